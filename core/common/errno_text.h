// errno as text for error messages, from any thread: std::strerror may hand every thread the
// same buffer, std::generic_category().message does not.
#pragma once

#include <cerrno>
#include <string>
#include <system_error>

namespace spillway {

inline std::string errno_text(int error = errno) {
    return std::generic_category().message(error);
}

}  // namespace spillway
