// libFuzzer target for the decoder and what every accepted payload goes through next: the COPY
// text escaping and (for dead letters) sanitize_utf8. Any input must be decoded without a crash,
// a sanitizer report or a broken invariant:
//   - accepted: a non-empty id that is valid UTF-8 without NUL, an empty message, a time inside
//     the range timestamptz takes; the payload itself is valid UTF-8 without NUL bytes;
//   - rejected: a reason, a non-empty message that is valid UTF-8 without NUL, no id;
//   - decoding is a pure function: the same input gives the same result again, whatever the
//     reusable parser saw before;
//   - COPY text escaping round-trips and leaves no raw tab, newline or carriage return; bytea hex
//     round-trips;
//   - sanitize_utf8 returns valid UTF-8 without NUL and leaves valid text alone.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/postgres/copy_text.h"
#include "core/kafka/event_decoder.h"

using namespace spillway;

namespace {

#define FUZZ_CHECK(condition)                                                                \
    do {                                                                                     \
        if (!(condition)) {                                                                  \
            std::fprintf(stderr, "invariant broken at line %d: %s\n", __LINE__, #condition); \
            std::abort();                                                                    \
        }                                                                                    \
    } while (false)

// A strict UTF-8 check written independently of sanitize_utf8 (Unicode table 3-7): no overlong
// forms, no surrogates, nothing above U+10FFFF; NUL counts as invalid here.
bool strict_utf8_without_nul(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == 0)
            return false;
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t length = 0;
        unsigned char low = 0x80, high = 0xbf;  // allowed range of the second byte
        if (c >= 0xc2 && c <= 0xdf) {
            length = 2;
        } else if (c == 0xe0) {
            length = 3, low = 0xa0;
        } else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) {
            length = 3;
        } else if (c == 0xed) {
            length = 3, high = 0x9f;
        } else if (c == 0xf0) {
            length = 4, low = 0x90;
        } else if (c >= 0xf1 && c <= 0xf3) {
            length = 4;
        } else if (c == 0xf4) {
            length = 4, high = 0x8f;
        } else {
            return false;
        }
        if (i + length > text.size())
            return false;
        const auto second = static_cast<unsigned char>(text[i + 1]);
        if (second < low || second > high)
            return false;
        for (size_t k = 2; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80)
                return false;
        }
        i += length;
    }
    return true;
}

// Reverses append_copy_text: what PostgreSQL's COPY FROM reads back for one field.
std::string unescape_copy_text(std::string_view field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] != '\\' || i + 1 == field.size()) {
            out += field[i];
            continue;
        }
        const char next = field[++i];
        out += next == 't' ? '\t' : next == 'n' ? '\n' : next == 'r' ? '\r' : next;
    }
    return out;
}

void check_copy_text(std::string_view field) {
    std::string escaped = "prefix";
    append_copy_text(escaped, field);
    const std::string_view added = std::string_view(escaped).substr(6);
    FUZZ_CHECK(added.find_first_of("\t\n\r") == std::string_view::npos);
    FUZZ_CHECK(unescape_copy_text(added) == field);
}

void check_copy_bytea(std::string_view bytes) {
    std::string escaped;
    append_copy_bytea(escaped, bytes);
    FUZZ_CHECK(escaped.size() == 3 + 2 * bytes.size());
    FUZZ_CHECK(escaped.compare(0, 3, "\\\\x") == 0);
    const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    for (size_t i = 0; i < bytes.size(); ++i) {
        const int value = nibble(escaped[3 + 2 * i]) * 16 + nibble(escaped[4 + 2 * i]);
        FUZZ_CHECK(value == static_cast<unsigned char>(bytes[i]));
    }
}

void check_result(const DecodeResult& result, std::string_view payload) {
    if (result.ok()) {
        FUZZ_CHECK(!result.event_id.empty());
        FUZZ_CHECK(result.message.empty());
        FUZZ_CHECK(strict_utf8_without_nul(result.event_id));
        FUZZ_CHECK(strict_utf8_without_nul(payload));  // simdjson validated it
        FUZZ_CHECK(result.event_time_ms >= 0 && result.event_time_ms <= 253402300799999);
        check_copy_text(result.event_id);
        check_copy_text(payload);
    } else {
        FUZZ_CHECK(result.reject != RejectReason::DatabaseReject &&
                   result.reject != RejectReason::Overflow);
        FUZZ_CHECK(!result.message.empty());
        FUZZ_CHECK(strict_utf8_without_nul(result.message));
        FUZZ_CHECK(result.event_id.empty());
    }
}

bool same(const DecodeResult& a, const DecodeResult& b) {
    return a.reject == b.reject && a.message == b.message && a.event_id == b.event_id &&
           a.event_time_ms == b.event_time_ms;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // Reused across inputs, as the source reuses its decoder: state must not leak between calls.
    static EventDecoder by_field;  // id from "event_id", time from "ts"
    static EventDecoder by_hash = [] {
        DecoderOptions options;
        options.id_field.clear();  // id from a hash of the payload
        options.time_field.clear();
        options.max_payload_bytes = 4096;
        return EventDecoder(options);
    }();

    const std::string_view payload(reinterpret_cast<const char*>(data), size);

    const DecodeResult first = by_field.decode(payload);
    check_result(first, payload);
    FUZZ_CHECK(same(first, by_field.decode(payload)));
    {
        EventDecoder fresh;
        FUZZ_CHECK(same(first, fresh.decode(payload)));
    }

    const DecodeResult hashed = by_hash.decode(payload);
    check_result(hashed, payload);
    if (hashed.ok()) {
        FUZZ_CHECK(hashed.event_id.size() == 32);
        FUZZ_CHECK(hashed.event_id == payload_hash_id(payload));
    }
    // Both decoders agree on whether the payload is well-formed JSON with an object on top.
    if (size <= 4096) {
        const bool structural_first = first.ok() || first.reject == RejectReason::MissingId ||
                                      first.reject == RejectReason::InvalidField;
        if (hashed.ok())
            FUZZ_CHECK(structural_first);
    }

    // What the dead-letter path does with any payload and message.
    const std::string clean = sanitize_utf8(payload);
    FUZZ_CHECK(strict_utf8_without_nul(clean));
    if (strict_utf8_without_nul(payload))
        FUZZ_CHECK(clean == payload);
    check_copy_text(clean);
    check_copy_bytea(payload.substr(0, 256));

    int64_t epoch_ms = 0;
    if (parse_iso8601_ms(payload, &epoch_ms))
        FUZZ_CHECK(payload.size() >= 20);
    return 0;
}
