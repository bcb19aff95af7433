#include "core/postgres/bytea_text.h"

#include <stdexcept>

namespace spillway {

std::string hex_bytea(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out = "\\x";
    out.reserve(2 + bytes.size() * 2);
    for (char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        out += digits[byte >> 4];
        out += digits[byte & 0xf];
    }
    return out;
}

namespace {
int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    throw std::runtime_error("unexpected hex digit from the server");
}
}  // namespace

std::string from_hex(std::string_view hex) {
    if (hex.substr(0, 2) == "\\x")
        hex.remove_prefix(2);
    std::string out;
    out.resize(hex.size() / 2);
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out[i / 2] = static_cast<char>(hex_digit(hex[i]) * 16 + hex_digit(hex[i + 1]));
    return out;
}

}  // namespace spillway
