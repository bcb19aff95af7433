#include "core/compression/payload_codec.h"

#define ZDICT_STATIC_LINKING_ONLY  // ZDICT_trainFromBuffer_fastCover with fixed parameters
#include <zdict.h>
#include <zstd.h>

#include <algorithm>

namespace spillway {

namespace {
void check(size_t code, const char* what) {
    if (ZSTD_isError(code))
        throw CodecError(std::string(what) + ": " + ZSTD_getErrorName(code));
}
}  // namespace

ZstdDictionary::ZstdDictionary(int id, std::string bytes, int level, double trained_ratio)
    : id_(id), bytes_(std::move(bytes)), trained_ratio_(trained_ratio) {
    cdict_ = ZSTD_createCDict(bytes_.data(), bytes_.size(), level);
    ddict_ = ZSTD_createDDict(bytes_.data(), bytes_.size());
    if (!cdict_ || !ddict_) {
        ZSTD_freeCDict(cdict_);
        ZSTD_freeDDict(ddict_);
        throw CodecError("zstd dictionary " + std::to_string(id_) + " (" +
                         std::to_string(bytes_.size()) + " bytes) cannot be loaded");
    }
}

ZstdDictionary::~ZstdDictionary() {
    ZSTD_freeCDict(cdict_);
    ZSTD_freeDDict(ddict_);
}

ZstdCodec::ZstdCodec(int level)
    : level_(level), cctx_(ZSTD_createCCtx()), dctx_(ZSTD_createDCtx()) {
    if (!cctx_ || !dctx_) {
        ZSTD_freeCCtx(cctx_);
        ZSTD_freeDCtx(dctx_);
        throw CodecError("zstd: out of memory creating a compression context");
    }
}

ZstdCodec::~ZstdCodec() {
    ZSTD_freeCCtx(cctx_);
    ZSTD_freeDCtx(dctx_);
}

void ZstdCodec::compress(std::string_view text, const ZstdDictionary* dictionary,
                         std::string& out) {
    out.resize(ZSTD_compressBound(text.size()));
    const size_t size =
        dictionary
            ? ZSTD_compress_usingCDict(cctx_, out.data(), out.size(), text.data(), text.size(),
                                       dictionary->cdict())
            : ZSTD_compressCCtx(cctx_, out.data(), out.size(), text.data(), text.size(), level_);
    check(size, "zstd compression");
    out.resize(size);
}

std::string ZstdCodec::decompress(std::string_view frame, const ZstdDictionary* dictionary,
                                  size_t max_bytes) {
    const unsigned long long content = ZSTD_getFrameContentSize(frame.data(), frame.size());
    if (content == ZSTD_CONTENTSIZE_ERROR)
        throw CodecError("not a zstd frame (" + std::to_string(frame.size()) + " bytes)");
    if (content == ZSTD_CONTENTSIZE_UNKNOWN)
        throw CodecError("zstd frame without its content size");
    if (content > max_bytes)
        throw CodecError("zstd frame would decompress to " + std::to_string(content) +
                         " bytes, over the limit of " + std::to_string(max_bytes));
    // A frame made with a dictionary names it (zstd's own dictionary id); without it zstd would
    // report a corrupted frame, which hides the real cause.
    const unsigned needed = ZSTD_getDictID_fromFrame(frame.data(), frame.size());
    if (needed != 0 && !dictionary)
        throw CodecError("zstd frame needs a dictionary (zstd dictionary id " +
                         std::to_string(needed) + ") and none was given");
    std::string text(static_cast<size_t>(content), '\0');
    const size_t size =
        dictionary
            ? ZSTD_decompress_usingDDict(dctx_, text.data(), text.size(), frame.data(),
                                         frame.size(), dictionary->ddict())
            : ZSTD_decompressDCtx(dctx_, text.data(), text.size(), frame.data(), frame.size());
    check(size, "zstd decompression");
    text.resize(size);
    return text;
}

std::string train_zstd_dictionary(const std::vector<std::string>& samples, size_t capacity) {
    std::string joined;
    std::vector<size_t> sizes;
    sizes.reserve(samples.size());
    for (const auto& sample : samples) {
        joined += sample;
        sizes.push_back(sample.size());
    }
    std::string dictionary(capacity, '\0');
    // One fastCover pass with zstd's usual segment and d-mer sizes. ZDICT_trainFromBuffer
    // searches k over several full trainings and scores each on a quarter of the samples: on
    // 22 MB of 5 KB events that is 4-130 s of a core (against 1-4 s for one pass) for a ratio
    // within 0.5 % of it, and a training that long holds a shutdown or steals the writers' CPU.
    ZDICT_fastCover_params_t params{};
    params.k = static_cast<unsigned>(std::min<size_t>(1024, std::max<size_t>(capacity, 16)));
    params.d = 8;
    params.f = 20;
    params.accel = 1;
    params.splitPoint = 1.0;
    params.zParams.compressionLevel = ZSTD_CLEVEL_DEFAULT;
    const size_t size =
        ZDICT_trainFromBuffer_fastCover(dictionary.data(), dictionary.size(), joined.data(),
                                        sizes.data(), static_cast<unsigned>(sizes.size()), params);
    if (ZDICT_isError(size))
        throw CodecError("training a zstd dictionary on " + std::to_string(samples.size()) +
                         " samples (" + std::to_string(joined.size()) +
                         " bytes) failed: " + ZDICT_getErrorName(size));
    dictionary.resize(size);
    return dictionary;
}

double compression_ratio(const std::vector<std::string>& samples, const ZstdDictionary* dictionary,
                         int level) {
    ZstdCodec codec(level);
    std::string frame;
    double raw = 0, compressed = 0;
    for (const auto& sample : samples) {
        codec.compress(sample, dictionary, frame);
        raw += double(sample.size());
        compressed += double(frame.size());
    }
    return compressed > 0 ? raw / compressed : 0;
}

}  // namespace spillway
