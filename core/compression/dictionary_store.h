#pragma once
// zstd dictionaries in the database: <events>_dictionaries (id, created_at, sample_count,
// trained_ratio, dict). A row's dict_id names the one its payload needs; rows are never deleted,
// so every stored payload stays readable.
#include <map>
#include <memory>
#include <string>

#include "core/compression/payload_codec.h"

namespace spillway {

class PgConnection;

// The dictionary with this id, or nullptr when the table has no such row.
std::shared_ptr<const ZstdDictionary> load_dictionary(PgConnection& connection,
                                                      const std::string& events_table, int id,
                                                      int level);
// The newest dictionary, or nullptr when none was trained yet.
std::shared_ptr<const ZstdDictionary> load_latest_dictionary(PgConnection& connection,
                                                             const std::string& events_table,
                                                             int level);
// Stores a trained dictionary; returns its id.
int store_dictionary(PgConnection& connection, const std::string& events_table,
                     const std::string& bytes, int sample_count, double trained_ratio);

// Dictionaries by id for reading payloads back, each loaded (and digested) once.
class DictionaryCache {
public:
    DictionaryCache(PgConnection& connection, std::string events_table);
    // Throws CodecError naming the id and the table when the dictionary is missing.
    const ZstdDictionary& get(int id);

private:
    PgConnection& connection_;
    std::string events_table_;
    std::map<int, std::shared_ptr<const ZstdDictionary>> loaded_;
};

}  // namespace spillway
