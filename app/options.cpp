#include "app/options.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include "app/config_file.h"
#include "app/option_table.h"
#include "core/postgres/conninfo.h"

namespace spillway {

std::map<std::string, std::string> AppOptions::effective_kafka_properties() const {
    std::map<std::string, std::string> properties = kafka_properties;
    // The dedicated options win over the same property given in [kafka].
    const std::pair<const char*, const std::string*> dedicated[] = {
        {"security.protocol", &kafka_security_protocol},
        {"sasl.mechanism", &kafka_sasl_mechanism},
        {"sasl.username", &kafka_sasl_username},
        {"sasl.password", &kafka_sasl_password},
        {"ssl.ca.location", &kafka_ssl_ca_location},
        {"ssl.certificate.location", &kafka_ssl_certificate_location},
        {"ssl.key.location", &kafka_ssl_key_location},
        {"ssl.key.password", &kafka_ssl_key_password},
    };
    for (const auto& [name, value] : dedicated)
        if (!value->empty())
            properties[name] = *value;
    return properties;
}

std::string AppOptions::effective_conninfo() const {
    if (pg.empty())
        return pg;
    return conninfo_with(pg, {{"sslmode", pg_sslmode},
                              {"sslrootcert", pg_sslrootcert},
                              {"sslcert", pg_sslcert},
                              {"sslkey", pg_sslkey},
                              {"password", pg_password}});
}

namespace {

QString help_text(const OptionDefinition& definition) {
    QString help = QString::fromUtf8(definition.help);
    if (definition.default_value && definition.kind != OptionKind::Flag)
        help += QStringLiteral(" Default: %1.").arg(QString::fromUtf8(definition.default_value));
    if (definition.section)
        help += QStringLiteral(" Config: [%1] %2.")
                    .arg(QString::fromUtf8(definition.section),
                         QString::fromStdString(definition.config_key()));
    return help;
}

AppOptions defaults() {
    AppOptions options;
    for (const auto& definition : option_definitions())
        if (definition.default_value)
            definition.apply(options, definition.default_value);
    return options;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines)
        text += (text.empty() ? "" : "\n") + line;
    return text;
}

// A password in --pg is visible to every user of the machine (ps, /proc/PID/cmdline), as a
// --kafka-property secret would be; the config file and the password file are not.
void refuse_secret_on_command_line(const OptionDefinition& definition, const std::string& value) {
    if (std::string(definition.name) != "pg")
        return;
    const auto secrets = conninfo_secret_keywords(value);
    if (secrets.empty())
        return;
    throw OptionProblem{secrets.front() +
                        "= in the connection string: a secret on the command line is visible "
                        "to every user (ps); use --pg-password-file, a PGPASSFILE (~/.pgpass) or "
                        "the config file's [postgres] pg"};
}

}  // namespace

int check_config_file(const std::string& path, std::string& report) {
    AppOptions options = defaults();
    auto problems = apply_config_file(path, options);
    if (problems.empty()) {
        // A config file describes a service: check it as `--headless --config FILE` would run.
        options.headless = true;
        try {
            finish_options(options);
        } catch (const OptionProblem& problem) {
            problems.push_back(path + ": " + problem.problem);
        }
    }
    report = problems.empty() ? path + ": OK" : join_lines(problems);
    return problems.empty() ? 0 : 1;
}

ParseOutcome parse_options(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Spillway: a Kafka -> PostgreSQL ingestion engine with an operations console.\n"
        "Without options it opens the console. --demo runs on the embedded default: librdkafka's\n"
        "mock cluster on 127.0.0.1, a private PostgreSQL server and a load generator.\n"
        "`spillway --headless --config FILE` runs as a service; options override the file.");
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const auto help = parser.addHelpOption();
    const auto version = parser.addVersionOption();
    for (const auto& definition : option_definitions()) {
        QCommandLineOption option(QString::fromUtf8(definition.name), help_text(definition));
        if (definition.value_name)
            option.setValueName(QString::fromUtf8(definition.value_name));
        parser.addOption(option);
    }

    ParseOutcome outcome;
    if (!parser.parse(arguments)) {
        outcome.exit_code = 2;
        outcome.output = parser.errorText().toStdString() + "\nTry --help.";
        return outcome;
    }
    if (parser.isSet(help)) {
        outcome.output = parser.helpText().toStdString();
        return outcome;
    }
    if (parser.isSet(version)) {
        outcome.output = "spillway " + QCoreApplication::applicationVersion().toStdString();
        return outcome;
    }
    if (!parser.positionalArguments().isEmpty()) {
        outcome.exit_code = 2;
        outcome.output = "unexpected argument \"" +
                         parser.positionalArguments().first().toStdString() + "\"\nTry --help.";
        return outcome;
    }
    if (parser.isSet("check-config")) {
        outcome.exit_code =
            check_config_file(parser.value("check-config").toStdString(), outcome.output);
        return outcome;
    }

    AppOptions options = defaults();
    if (parser.isSet("config")) {
        const auto problems = apply_config_file(parser.value("config").toStdString(), options);
        if (!problems.empty()) {
            outcome.exit_code = 2;
            outcome.output = join_lines(problems);
            return outcome;
        }
    }
    try {
        for (const auto& definition : option_definitions()) {
            const QString name = QString::fromUtf8(definition.name);
            if (!parser.isSet(name))
                continue;
            try {
                if (definition.kind == OptionKind::Flag) {
                    definition.apply(options, "true");
                } else {
                    for (const QString& value : parser.values(name)) {
                        refuse_secret_on_command_line(definition, value.toStdString());
                        definition.apply(options, value.toStdString());
                    }
                }
            } catch (const OptionProblem& problem) {
                throw OptionProblem{"--" + std::string(definition.name) + ": " + problem.problem};
            }
        }
        finish_options(options);
        outcome.options = options;
    } catch (const OptionProblem& problem) {
        outcome.exit_code = 2;
        outcome.output = problem.problem + "\nTry --help.";
    }
    return outcome;
}

}  // namespace spillway
