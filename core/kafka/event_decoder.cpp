#include "core/kafka/event_decoder.h"

#include <simdjson.h>
#include <QCryptographicHash>
#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <vector>

#include "core/postgres/copy_text.h"

namespace spillway {

namespace {
struct DecoderKey {
    uint64_t fingerprint;
    std::string_view text;
};
}  // namespace

struct EventDecoder::Parser {
    simdjson::dom::parser dom;
    std::vector<DecoderKey> keys;  // scratch for the duplicate-key check, kept between calls
};

EventDecoder::EventDecoder(DecoderOptions options)
    : options_(std::move(options)), parser_(std::make_unique<Parser>()) {}
EventDecoder::~EventDecoder() = default;
EventDecoder::EventDecoder(EventDecoder&&) noexcept = default;
EventDecoder& EventDecoder::operator=(EventDecoder&&) noexcept = default;

namespace {

DecodeResult reject(RejectReason reason, std::string message) {
    DecodeResult result;
    result.reject = reason;
    result.message = std::move(message);
    return result;
}

// What a person sees of a value taken from a payload (a key, a number): at most about `limit`
// bytes, cut on a character boundary, as valid UTF-8 without NUL (a key may hold "\u0000").
std::string excerpt(std::string_view text, size_t limit = 64) {
    if (text.size() <= limit)
        return sanitize_utf8(text);
    size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80)
        --cut;  // back to the first byte of the character the limit falls in
    return sanitize_utf8(text.substr(0, cut)) + "...";
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// A JSON number per RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool is_json_number(std::string_view text) {
    size_t pos = 0;
    if (pos < text.size() && text[pos] == '-')
        ++pos;
    if (pos >= text.size() || !is_digit(text[pos]))
        return false;
    if (text[pos] == '0') {
        ++pos;
    } else {
        while (pos < text.size() && is_digit(text[pos]))
            ++pos;
    }
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        if (pos >= text.size() || !is_digit(text[pos]))
            return false;
        while (pos < text.size() && is_digit(text[pos]))
            ++pos;
    }
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        if (pos < text.size() && (text[pos] == '+' || text[pos] == '-'))
            ++pos;
        if (pos >= text.size() || !is_digit(text[pos]))
            return false;
        while (pos < text.size() && is_digit(text[pos]))
            ++pos;
    }
    return pos == text.size();
}

// Whether a well-formed JSON number is beyond what simdjson represents: a 64-bit integer (signed
// when negative, unsigned otherwise) or a finite double. Tiny values that round to zero are
// accepted by simdjson, so only magnitudes above one count.
bool number_out_of_range(std::string_view number) {
    const char* begin = number.data();
    const char* end = number.data() + number.size();
    if (number.find_first_of(".eE") == std::string_view::npos) {
        if (number.front() == '-') {
            int64_t value = 0;
            return std::from_chars(begin, end, value).ec == std::errc::result_out_of_range;
        }
        uint64_t value = 0;
        return std::from_chars(begin, end, value).ec == std::errc::result_out_of_range;
    }
    double value = 0;
    if (std::from_chars(begin, end, value).ec != std::errc::result_out_of_range)
        return false;
    // Underflow or overflow? Overflow needs a non-zero digit before the point or a positive
    // exponent; a value like 1e-400 has neither.
    const size_t exponent_at = number.find_first_of("eE");
    const std::string_view mantissa = number.substr(0, exponent_at);
    const size_t point = mantissa.find('.');
    const std::string_view integer_part = mantissa.substr(0, point);
    const bool integer_part_nonzero =
        integer_part.find_first_of("123456789") != std::string_view::npos;
    const bool positive_exponent = exponent_at != std::string_view::npos &&
                                   exponent_at + 1 < number.size() &&
                                   number[exponent_at + 1] != '-';
    return integer_part_nonzero || positive_exponent;
}

// simdjson reports a bad number and a number too big for 64 bits the same way (NUMBER_ERROR).
// To tell a person which one it was, look for a well-formed number token outside strings that
// does not fit; returns it, or an empty view when every number is simply malformed.
std::string_view find_out_of_range_number(std::string_view text) {
    const auto is_delimiter = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':' ||
               c == '[' || c == ']' || c == '{' || c == '}';
    };
    bool in_string = false;
    for (size_t pos = 0; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (in_string) {
            if (c == '\\')
                ++pos;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
            continue;
        }
        if (c != '-' && !is_digit(c))
            continue;
        size_t end = pos;
        while (end < text.size() &&
               (is_digit(text[end]) || std::strchr("+-.eE", text[end]) != nullptr))
            ++end;
        const std::string_view token = text.substr(pos, end - pos);
        const bool starts_clean = pos == 0 || is_delimiter(text[pos - 1]);
        const bool ends_clean = end == text.size() || is_delimiter(text[end]);
        if (starts_clean && ends_clean && is_json_number(token) && number_out_of_range(token))
            return token;
        pos = end - 1;
    }
    return {};
}

// Offset of the first byte that does not start a valid UTF-8 sequence (NUL counts as invalid).
size_t first_invalid_utf8(std::string_view text) {
    const std::string clean = sanitize_utf8(text);
    const auto mismatch = std::mismatch(text.begin(), text.end(), clean.begin(), clean.end());
    return static_cast<size_t>(mismatch.first - text.begin());
}

// Turns a simdjson parse error into a reason and a sentence that says what is wrong with the
// message itself, not with the parser.
DecodeResult explain_parse_error(simdjson::error_code error, std::string_view payload,
                                 size_t max_depth) {
    if (const void* nul = std::memchr(payload.data(), 0, payload.size())) {
        const auto offset = static_cast<const char*>(nul) - payload.data();
        return reject(RejectReason::MalformedJson, "not valid JSON: a raw NUL byte at offset " +
                                                       std::to_string(offset) +
                                                       " (JSON text cannot contain NUL bytes)");
    }
    switch (error) {
        case simdjson::UTF8_ERROR: {
            const size_t offset = first_invalid_utf8(payload);
            std::string message = "not valid UTF-8";
            if (offset < payload.size()) {
                static constexpr char kHex[] = "0123456789abcdef";
                const auto byte = static_cast<unsigned char>(payload[offset]);
                message += std::string(": byte 0x") + kHex[byte >> 4] + kHex[byte & 0xf] +
                           " at offset " + std::to_string(offset);
            }
            return reject(RejectReason::MalformedJson, message);
        }
        case simdjson::NUMBER_ERROR: {
            const std::string_view number = find_out_of_range_number(payload);
            if (!number.empty())
                return reject(RejectReason::InvalidField,
                              "number out of range: " + excerpt(number, 40) +
                                  " (numbers must fit a 64-bit integer or a double)");
            return reject(RejectReason::MalformedJson, "not valid JSON: a malformed number");
        }
        case simdjson::DEPTH_ERROR:
            return reject(RejectReason::MalformedJson,
                          "JSON nested deeper than " + std::to_string(max_depth) + " levels");
        default:
            return reject(RejectReason::MalformedJson,
                          std::string("not valid JSON: ") + simdjson::error_message(error));
    }
}

// A cheap fingerprint of a key (length, first and last byte): keys with different fingerprints
// differ, so most pairs are told apart by one integer comparison.
uint64_t key_fingerprint(std::string_view key) {
    if (key.empty())
        return 0;
    return uint64_t(key.size()) | uint64_t(static_cast<unsigned char>(key.front())) << 48 |
           uint64_t(static_cast<unsigned char>(key.back())) << 56;
}

// The key that appears twice among `keys` (which may be reordered), or none.
std::optional<std::string_view> duplicate_among(std::vector<DecoderKey>& keys) {
    // Most objects are small: comparing every pair beats sorting them.
    if (keys.size() <= 24) {
        for (size_t i = 1; i < keys.size(); ++i) {
            for (size_t j = 0; j < i; ++j) {
                if (keys[i].fingerprint == keys[j].fingerprint && keys[i].text == keys[j].text)
                    return keys[i].text;
            }
        }
        return std::nullopt;
    }
    std::sort(keys.begin(), keys.end(), [](const DecoderKey& a, const DecoderKey& b) {
        return a.fingerprint != b.fingerprint ? a.fingerprint < b.fingerprint : a.text < b.text;
    });
    for (size_t i = 1; i < keys.size(); ++i) {
        if (keys[i].fingerprint == keys[i - 1].fingerprint && keys[i].text == keys[i - 1].text)
            return keys[i].text;
    }
    return std::nullopt;
}

bool is_container(simdjson::dom::element element) {
    const auto type = element.type();
    return type == simdjson::dom::element_type::OBJECT ||
           type == simdjson::dom::element_type::ARRAY;
}

// Looks for an object, at any depth, that holds the same key twice (after unescaping, so "a" and
// "\u0061" are the same key, as they are to jsonb). On a find, `key` names the key and `path` the
// object, like a.b[2]. Recursion depth is bounded by the parser's maximum depth.
bool find_duplicate_key(simdjson::dom::element element, std::vector<DecoderKey>& keys,
                        std::string& key, std::string& path) {
    if (element.type() == simdjson::dom::element_type::OBJECT) {
        const simdjson::dom::object object = element.get_object().value_unsafe();
        keys.clear();
        bool has_containers = false;
        for (const auto field : object) {
            keys.push_back({key_fingerprint(field.key), field.key});
            has_containers = has_containers || is_container(field.value);
        }
        if (const auto duplicate = duplicate_among(keys)) {
            key = excerpt(*duplicate);
            return true;
        }
        if (!has_containers)
            return false;
        for (const auto field : object) {
            if (is_container(field.value) && find_duplicate_key(field.value, keys, key, path)) {
                std::string prefixed = excerpt(field.key);
                if (!path.empty() && path.front() != '[')
                    prefixed += '.';
                prefixed += path;
                path = std::move(prefixed);
                return true;
            }
        }
        return false;
    }
    const simdjson::dom::array array = element.get_array().value_unsafe();
    size_t index = 0;
    for (const auto item : array) {
        if (is_container(item) && find_duplicate_key(item, keys, key, path)) {
            std::string prefixed = "[";
            prefixed += std::to_string(index);
            prefixed += ']';
            if (!path.empty() && path.front() != '[')
                prefixed += '.';
            prefixed += path;
            path = std::move(prefixed);
            return true;
        }
        ++index;
    }
    return false;
}

// Exactly `count` decimal digits (from_chars alone would also take a sign: "T-1:00").
bool read_digits(std::string_view text, size_t pos, size_t count, int* value) {
    if (pos + count > text.size())
        return false;
    int parsed = 0;
    for (size_t i = pos; i < pos + count; ++i) {
        if (!is_digit(text[i]))
            return false;
        parsed = parsed * 10 + (text[i] - '0');
    }
    *value = parsed;
    return true;
}

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

bool parse_iso8601_ms(std::string_view text, int64_t* epoch_ms) {
    int year, month, day, hour, minute, second;
    if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
        (text[10] != 'T' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
        return false;
    if (!read_digits(text, 0, 4, &year) || !read_digits(text, 5, 2, &month) ||
        !read_digits(text, 8, 2, &day) || !read_digits(text, 11, 2, &hour) ||
        !read_digits(text, 14, 2, &minute) || !read_digits(text, 17, 2, &second))
        return false;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
        minute > 59 || second > 60)
        return false;
    size_t pos = 19;
    int millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 3)
                millis = millis * 10 + (text[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0)
            return false;
        for (; digits < 3; ++digits)
            millis *= 10;
    }
    int offset_minutes = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int oh, om;
        if (!read_digits(text, pos + 1, 2, &oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
            !read_digits(text, pos + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        offset_minutes = (oh * 60 + om) * (text[pos] == '+' ? 1 : -1);
        pos += 6;
    } else {
        return false;  // a time without a zone is ambiguous
    }
    if (pos != text.size())
        return false;
    const int64_t days =
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const int64_t seconds = days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second -
                            int64_t{offset_minutes} * 60;
    *epoch_ms = seconds * 1000 + millis;
    return true;
}

std::string payload_hash_id(std::string_view payload) {
    const QByteArray digest = QCryptographicHash::hash(
        QByteArrayView(payload.data(), static_cast<qsizetype>(payload.size())),
        QCryptographicHash::Sha256);
    return digest.left(16).toHex().toStdString();
}

DecodeResult EventDecoder::decode(std::string_view payload) {
    if (payload.empty())
        return reject(RejectReason::MalformedJson, "empty message: expected a JSON object");
    if (payload.size() > options_.max_payload_bytes)
        return reject(RejectReason::Oversized, "message is " + std::to_string(payload.size()) +
                                                   " bytes, over the limit of " +
                                                   std::to_string(options_.max_payload_bytes));
    simdjson::dom::element root;
    if (auto error = parser_->dom.parse(payload.data(), payload.size()).get(root))
        return explain_parse_error(error, payload, parser_->dom.max_depth());
    simdjson::dom::object object;
    if (root.get_object().get(object))
        return reject(RejectReason::NotAnObject,
                      "top level is a JSON " + std::string(root.is_array() ? "array" : "scalar") +
                          ", expected an object");
    // jsonb keeps only the last of duplicate keys, so storing such a payload would silently drop
    // data (and the id we read could differ from the one a query sees).
    std::string duplicate_key, duplicate_path;
    if (find_duplicate_key(root, parser_->keys, duplicate_key, duplicate_path))
        return reject(RejectReason::InvalidField,
                      "field \"" + duplicate_key + "\" appears twice in one object" +
                          (duplicate_path.empty() ? "" : " (at " + duplicate_path + ")"));
    DecodeResult result;
    if (options_.id_field.empty()) {
        result.event_id = payload_hash_id(payload);
    } else {
        simdjson::dom::element id;
        if (object.at_key(options_.id_field).get(id))
            return reject(RejectReason::MissingId,
                          "field \"" + options_.id_field + "\" is missing");
        if (id.is_string()) {
            result.event_id = std::string(id.get_string().value_unsafe());
        } else if (id.is_int64()) {
            result.event_id = std::to_string(id.get_int64().value_unsafe());
        } else if (id.is_uint64()) {
            result.event_id = std::to_string(id.get_uint64().value_unsafe());
        } else {
            return reject(RejectReason::InvalidField,
                          "field \"" + options_.id_field + "\" must be a string or an integer");
        }
        if (result.event_id.empty())
            return reject(RejectReason::MissingId, "field \"" + options_.id_field + "\" is empty");
        // Valid JSON ("\u0000"), but a text column cannot hold a NUL character.
        if (result.event_id.find('\0') != std::string::npos)
            return reject(RejectReason::InvalidField,
                          "field \"" + options_.id_field + "\" contains a NUL character");
        if (result.event_id.size() > options_.max_id_length)
            return reject(RejectReason::InvalidField,
                          "field \"" + options_.id_field + "\" is longer than " +
                              std::to_string(options_.max_id_length) + " bytes");
    }
    if (!options_.time_field.empty()) {
        simdjson::dom::element ts;
        if (!object.at_key(options_.time_field).get(ts)) {
            if (ts.is_string()) {
                const std::string_view text = ts.get_string().value_unsafe();
                if (!parse_iso8601_ms(text, &result.event_time_ms))
                    return reject(RejectReason::InvalidField,
                                  "field \"" + options_.time_field +
                                      "\" is not an ISO-8601 timestamp with a zone: \"" +
                                      excerpt(text) + "\"");
            } else if (ts.is_int64()) {
                result.event_time_ms = ts.get_int64().value_unsafe();
            } else if (!ts.is_null()) {
                return reject(RejectReason::InvalidField,
                              "field \"" + options_.time_field +
                                  "\" must be an ISO-8601 string or epoch milliseconds");
            }
            // Years outside 1970..9999 would be refused by timestamptz later; refuse them here with
            // a reason.
            if (result.event_time_ms < 0 || result.event_time_ms > kMaxEventTimeMs)
                return reject(RejectReason::InvalidField,
                              "field \"" + options_.time_field + "\" is out of range");
            result.has_time = !ts.is_null();
        }
    }
    return result;
}

bool usable_kafka_timestamp(int64_t timestamp_ms) {
    return timestamp_ms > 0 && timestamp_ms <= kMaxEventTimeMs;
}

int64_t choose_event_time_ms(const DecodeResult& decoded, int64_t kafka_timestamp_ms) {
    return decoded.has_time ? decoded.event_time_ms : kafka_timestamp_ms;
}

}  // namespace spillway
