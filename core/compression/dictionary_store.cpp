#include "core/compression/dictionary_store.h"

#include "core/postgres/bytea_text.h"
#include "core/postgres/pg_connection.h"
#include "core/postgres/sink_schema.h"

namespace spillway {

namespace {
std::shared_ptr<const ZstdDictionary> load_where(
    PgConnection& connection, const std::string& events_table, const std::string& condition,
    const std::vector<std::optional<std::string>>& params, int level) {
    const auto rows =
        connection.query("SELECT id, trained_ratio, encode(dict, 'hex') FROM " +
                             quote_table_name(event_dictionaries_table(events_table)) + condition,
                         params);
    if (rows.empty() || !rows[0][0] || !rows[0][2])
        return nullptr;
    return std::make_shared<const ZstdDictionary>(std::stoi(*rows[0][0]), from_hex(*rows[0][2]),
                                                  level, rows[0][1] ? std::stod(*rows[0][1]) : 0);
}
}  // namespace

std::shared_ptr<const ZstdDictionary> load_dictionary(PgConnection& connection,
                                                      const std::string& events_table, int id,
                                                      int level) {
    return load_where(connection, events_table, " WHERE id = $1", {std::to_string(id)}, level);
}

std::shared_ptr<const ZstdDictionary> load_latest_dictionary(PgConnection& connection,
                                                             const std::string& events_table,
                                                             int level) {
    return load_where(connection, events_table, " ORDER BY id DESC LIMIT 1", {}, level);
}

int store_dictionary(PgConnection& connection, const std::string& events_table,
                     const std::string& bytes, int sample_count, double trained_ratio) {
    const auto rows = connection.query(
        "INSERT INTO " + quote_table_name(event_dictionaries_table(events_table)) +
            " (sample_count, trained_ratio, dict) VALUES ($1, $2, $3::bytea) RETURNING id",
        {std::to_string(sample_count), std::to_string(trained_ratio), hex_bytea(bytes)});
    return std::stoi(rows.at(0).at(0).value());
}

DictionaryCache::DictionaryCache(PgConnection& connection, std::string events_table)
    : connection_(connection), events_table_(std::move(events_table)) {}

const ZstdDictionary& DictionaryCache::get(int id) {
    auto found = loaded_.find(id);
    if (found == loaded_.end()) {
        // The level only matters for compressing; reading needs the decompression half.
        auto dictionary = load_dictionary(connection_, events_table_, id, 3);
        if (!dictionary)
            throw CodecError("zstd dictionary " + std::to_string(id) + " is not in " +
                             event_dictionaries_table(events_table_) +
                             ": payloads compressed with it cannot be read (was the row "
                             "deleted? dictionaries must never be deleted)");
        found = loaded_.emplace(id, std::move(dictionary)).first;
    }
    return *found->second;
}

}  // namespace spillway
