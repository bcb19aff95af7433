#pragma once
// Bytes through libpq's text interface: a bytea parameter as hex input text ("\\x4142", cast
// with ::bytea), and encode(x, 'hex') output back to bytes.
#include <string>
#include <string_view>

namespace spillway {

std::string hex_bytea(std::string_view bytes);
// encode(x, 'hex') -> bytes; a leading "\\x" (bytea's own text output) is skipped.
// Throws std::runtime_error on a character that is not a hex digit.
std::string from_hex(std::string_view hex);

}  // namespace spillway
