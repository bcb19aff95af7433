#pragma once
// How the workbench shows a dead letter's bytes: JSON indented for reading, other text as it is,
// anything that is not text as a hex dump. Pure functions, so they are easy to test.
#include <QString>
#include <string>
#include <string_view>

namespace spillway {

// Valid UTF-8 without NUL or control characters other than tab, newline and carriage return.
bool payload_is_text(std::string_view bytes);

// Re-indents JSON text by its tokens only: strings, numbers and repeated keys stay exactly as they
// were. (QJsonDocument would round numbers beyond 2^53 and keep one of two equal keys, hiding the
// very thing a payload was dead-lettered for.) Text that is not balanced JSON comes out as it is.
std::string indent_json(std::string_view json, int indent_width = 2);

// "00000000  7b 22 69 64 22 3a 31 7d                           |{"id":1}|" lines, 16 bytes each.
QString hex_dump(std::string_view bytes);

struct PayloadText {
    QString text;
    enum class Kind { Json, Text, Hex } kind = Kind::Text;
};
// JSON (when it parses) indented, other text as it is, else a hex dump.
PayloadText payload_text(std::string_view bytes);

// A Kafka key for a table cell: the text when it is text, else 0x-prefixed hex.
QString printable_bytes(std::string_view bytes);

}  // namespace spillway
