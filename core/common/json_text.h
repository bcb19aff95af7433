#pragma once
// Writing small JSON values by hand on the hot path (Kafka headers of a message).
#include <string>
#include <string_view>

namespace spillway {

// Appends `text` as a JSON string literal; the caller guarantees valid UTF-8.
void append_json_string(std::string& out, std::string_view text);
bool is_valid_utf8(std::string_view text);
std::string base64_encode(std::string_view bytes);

}  // namespace spillway
