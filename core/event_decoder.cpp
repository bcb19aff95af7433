#include "core/event_decoder.h"

#include <simdjson.h>
#include <QCryptographicHash>
#include <charconv>

namespace spillway {

struct EventDecoder::Parser {
    simdjson::dom::parser dom;
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

bool read_digits(std::string_view text, size_t pos, size_t count, int* value) {
    if (pos + count > text.size())
        return false;
    int parsed = 0;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + count, parsed);
    if (ec != std::errc() || end != text.data() + pos + count)
        return false;
    *value = parsed;
    return true;
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
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
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
            !read_digits(text, pos + 4, 2, &om))
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
    const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
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
        return reject(RejectReason::MalformedJson,
                      std::string("not valid JSON: ") + simdjson::error_message(error));
    simdjson::dom::object object;
    if (root.get_object().get(object))
        return reject(RejectReason::NotAnObject,
                      "top level is a JSON " + std::string(root.is_array() ? "array" : "scalar") +
                          ", expected an object");
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
                                      std::string(text.substr(0, 64)) + "\"");
            } else if (ts.is_int64()) {
                result.event_time_ms = ts.get_int64().value_unsafe();
            } else if (!ts.is_null()) {
                return reject(RejectReason::InvalidField,
                              "field \"" + options_.time_field +
                                  "\" must be an ISO-8601 string or epoch milliseconds");
            }
            // Years outside 1970..9999 would be refused by timestamptz later; refuse them here with
            // a reason.
            constexpr int64_t max_ms = 253402300799999;  // 9999-12-31T23:59:59.999Z
            if (result.event_time_ms < 0 || result.event_time_ms > max_ms)
                return reject(RejectReason::InvalidField,
                              "field \"" + options_.time_field + "\" is out of range");
        }
    }
    return result;
}

}  // namespace spillway
