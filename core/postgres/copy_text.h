#pragma once
// PostgreSQL COPY text format, written by hand because it is the hot path: one pass per field,
// no per-row allocation. A field is escaped so that backslashes, tabs, newlines and carriage
// returns survive byte for byte.
#include <cstdint>
#include <string>
#include <string_view>

namespace spillway {

void append_copy_text(std::string& out, std::string_view field);
// A bytea value in hex input form, escaped for COPY ("\\x4142").
void append_copy_bytea(std::string& out, std::string_view bytes);
void append_copy_int(std::string& out, int64_t value);
inline void append_copy_null(std::string& out) {
    out += "\\N";
}
// Milliseconds since the Unix epoch (0 .. year 9999, as the decoder admits) as a timestamptz
// in UTC: "2024-05-01 12:00:00.123+00". Needs no escaping in COPY text.
void append_copy_timestamp_ms(std::string& out, int64_t ms);
// One element of a PostgreSQL array literal in text form, double-quoted with '"' and '\'
// escaped, so any text (but NUL, which no text value holds) survives as a parameter value.
void append_array_text(std::string& out, std::string_view element);

// Replaces invalid UTF-8 sequences and NUL with U+FFFD so a message can be stored as text.
std::string sanitize_utf8(std::string_view text);

}  // namespace spillway
