#include "core/postgres/copy_text.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace spillway {

namespace {
// The bytes COPY's text format escapes, as a table: the per-row hot path of every writer, and
// most payloads hold none of them (JSON escapes its own control characters).
constexpr auto kCopyEscapes = [] {
    std::array<char, 256> table{};
    table[static_cast<unsigned char>('\\')] = '\\';
    table[static_cast<unsigned char>('\t')] = 't';
    table[static_cast<unsigned char>('\n')] = 'n';
    table[static_cast<unsigned char>('\r')] = 'r';
    return table;
}();

// Writes `value` as exactly `width` decimal digits (zero-padded) at `out`.
char* put_digits(char* out, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    return out + width;
}
}  // namespace

void append_copy_text(std::string& out, std::string_view field) {
    size_t start = 0;
    for (size_t i = 0; i < field.size(); ++i) {
        const char escape = kCopyEscapes[static_cast<unsigned char>(field[i])];
        if (escape == 0)
            continue;
        out.append(field.data() + start, i - start);
        out += '\\';
        out += escape;
        start = i + 1;
    }
    out.append(field.data() + start, field.size() - start);
}

void append_copy_bytea(std::string& out, std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    out += "\\\\x";
    const size_t base = out.size();
    out.resize(base + bytes.size() * 2);
    for (size_t i = 0; i < bytes.size(); ++i) {
        const auto byte = static_cast<unsigned char>(bytes[i]);
        out[base + 2 * i] = digits[byte >> 4];
        out[base + 2 * i + 1] = digits[byte & 0xf];
    }
}

void append_copy_int(std::string& out, int64_t value) {
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, end);
}

void append_copy_timestamp_ms(std::string& out, int64_t ms) {
    using namespace std::chrono;
    const sys_time<milliseconds> at{milliseconds(ms)};
    const sys_days day = floor<days>(at);
    const year_month_day date{day};
    const hh_mm_ss<milliseconds> time{at - day};
    const int year = static_cast<int>(date.year());
    if (year < 0 || year > 9999) {
        // Outside what four digits hold (the decoder's range check keeps events inside): the
        // slow, general form rather than a wrong date.
        char text[48];
        const int length = std::snprintf(
            text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d.%03d+00", year,
            static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
            static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
            static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()));
        out.append(text, static_cast<size_t>(length));
        return;
    }
    // Written by hand: snprintf and its helpers were about 4 % of the engine process's CPU.
    char text[32];
    char* p = put_digits(text, static_cast<unsigned>(year), 4);
    *p++ = '-';
    p = put_digits(p, static_cast<unsigned>(date.month()), 2);
    *p++ = '-';
    p = put_digits(p, static_cast<unsigned>(date.day()), 2);
    *p++ = ' ';
    p = put_digits(p, static_cast<unsigned>(time.hours().count()), 2);
    *p++ = ':';
    p = put_digits(p, static_cast<unsigned>(time.minutes().count()), 2);
    *p++ = ':';
    p = put_digits(p, static_cast<unsigned>(time.seconds().count()), 2);
    *p++ = '.';
    p = put_digits(p, static_cast<unsigned>(time.subseconds().count()), 3);
    *p++ = '+';
    *p++ = '0';
    *p++ = '0';
    out.append(text, p);
}

void append_array_text(std::string& out, std::string_view element) {
    out += '"';
    size_t start = 0;
    for (size_t i = 0; i < element.size(); ++i) {
        if (element[i] != '"' && element[i] != '\\')
            continue;
        out.append(element.data() + start, i - start);
        out += '\\';
        out += element[i];
        start = i + 1;
    }
    out.append(element.data() + start, element.size() - start);
    out += '"';
}

std::string sanitize_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        size_t length = 0;
        uint32_t min = 0;
        if (c == 0) {
            length = 0;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            length = 2, min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            length = 3, min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            length = 4, min = 0x10000;
        }
        bool valid = length > 0 && i + length <= text.size();
        uint32_t code = valid ? (c & (0xff >> (length + 1))) : 0;
        for (size_t k = 1; valid && k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            valid = (next & 0xc0) == 0x80;
            code = (code << 6) | (next & 0x3f);
        }
        valid = valid && code >= min && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
        if (valid) {
            out.append(text.data() + i, length);
            i += length;
        } else {
            out += "\xef\xbf\xbd";
            ++i;
        }
    }
    return out;
}

}  // namespace spillway
