#pragma once
// Per-event zstd compression of payloads, with or without a trained dictionary. Small JSON events
// share most of their bytes (field names, enum values, formats) with each other but not within
// themselves: a dictionary trained on recent events (ZDICT_trainFromBuffer) gives each event that
// shared context, which compressing one event alone cannot.
//
// A ZstdDictionary is built once (its ZSTD_CDict and ZSTD_DDict digested up front) and shared
// read-only between threads; a ZstdCodec (its ZSTD_CCtx and ZSTD_DCtx) belongs to one thread.
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;
struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

namespace spillway {

// A failure to compress, decompress or train, in words a person can act on.
class CodecError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ZstdDictionary {
public:
    // `id` is the dictionary's row id in <events>_dictionaries. Throws CodecError when zstd
    // cannot load the bytes as a dictionary.
    ZstdDictionary(int id, std::string bytes, int level, double trained_ratio = 0);
    ~ZstdDictionary();
    ZstdDictionary(const ZstdDictionary&) = delete;
    ZstdDictionary& operator=(const ZstdDictionary&) = delete;

    int id() const { return id_; }
    const std::string& bytes() const { return bytes_; }
    double trained_ratio() const { return trained_ratio_; }
    const ZSTD_CDict_s* cdict() const { return cdict_; }
    const ZSTD_DDict_s* ddict() const { return ddict_; }

private:
    int id_;
    std::string bytes_;
    double trained_ratio_;
    ZSTD_CDict_s* cdict_ = nullptr;
    ZSTD_DDict_s* ddict_ = nullptr;
};

class ZstdCodec {
public:
    explicit ZstdCodec(int level = 3);
    ~ZstdCodec();
    ZstdCodec(const ZstdCodec&) = delete;
    ZstdCodec& operator=(const ZstdCodec&) = delete;

    // One zstd frame of `text` (content size recorded), replacing `out`. No dictionary when null.
    void compress(std::string_view text, const ZstdDictionary* dictionary, std::string& out);
    // The original bytes of one frame. Throws CodecError when the frame is damaged, needs a
    // dictionary it was not given, or would exceed max_bytes.
    std::string decompress(std::string_view frame, const ZstdDictionary* dictionary,
                           size_t max_bytes = size_t(256) << 20);

private:
    int level_;
    ZSTD_CCtx_s* cctx_;
    ZSTD_DCtx_s* dctx_;
};

// Trains a dictionary of at most `capacity` bytes on the samples (one fastCover pass: cost grows
// with the samples' total size, so callers bound it). Throws CodecError when zstd cannot
// (typically: too few or too small samples). Any thread; touches nothing but its arguments.
std::string train_zstd_dictionary(const std::vector<std::string>& samples, size_t capacity);

// raw bytes / compressed bytes of compressing each sample alone at `level` with `dictionary`.
double compression_ratio(const std::vector<std::string>& samples, const ZstdDictionary* dictionary,
                         int level);

}  // namespace spillway
