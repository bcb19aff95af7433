#pragma once
// The one table of settings: every command-line option and config-file key is defined here once
// (name, config table, help, default, how its value is read), so the command line, the config
// file and --help cannot drift apart. A config key is the option's name with '-' as '_', inside
// the option's table: --batch-size is `batch_size` in [engine].
#include <string>
#include <vector>

#include "app/options.h"

namespace spillway {

// Thrown by a setter with what is wrong with the value; the caller says where it came from
// (--name, or FILE:LINE: table.key).
struct OptionProblem {
    std::string problem;
};

enum class OptionKind {
    Flag,      // no value on the command line; true/false in the file
    Integer,   // a whole number
    Number,    // a number
    Text,      // a string
    Repeated,  // a string that may be given more than once (command line only)
};

struct OptionDefinition {
    const char* name;           // --name
    const char* section;        // config table; nullptr: command line only
    const char* value_name;     // for --help; nullptr for a flag
    const char* help;           // one sentence for --help
    const char* default_value;  // applied before the file and the command line; nullptr: none
    OptionKind kind;
    void (*apply)(AppOptions& options, const std::string& value);  // throws OptionProblem

    std::string config_key() const;  // name with '-' as '_'
};

const std::vector<OptionDefinition>& option_definitions();
// The definition for `section`.`key`, or nullptr.
const OptionDefinition* find_config_option(const std::string& section, const std::string& key);
// Every table name the config file may have (the option tables plus "kafka").
std::vector<std::string> config_sections();

// Checks that need more than one value (and reads the secret files); throws OptionProblem whose
// text names the options involved.
void finish_options(AppOptions& options);

}  // namespace spillway
