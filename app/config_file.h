#pragma once
// The config file (TOML, read with toml++ so every problem can name its line): one table per
// group of options ([service], [demo], [source], [postgres], [engine]) with the option names as
// keys ('-' written '_'), plus [kafka], whose keys go to librdkafka verbatim. See
// packaging/spillway.conf for a documented example.
#include <string>
#include <vector>

#include "app/options.h"

namespace spillway {

// Applies the file's settings onto `options`. Returns every problem as
// "FILE:LINE: table.key: problem" (an unreadable or unparsable file gives one problem); an empty
// result means every setting was applied.
std::vector<std::string> apply_config_file(const std::string& path, AppOptions& options);

}  // namespace spillway
