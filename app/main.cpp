// spillway: the console (default) or the headless engine (--headless).
#include <QApplication>
#include <QCoreApplication>
#include <QTimer>
#include <iostream>
#include <memory>

#include "app/console_run.h"
#include "app/headless_run.h"
#include "app/options.h"
#include "app/read_events_command.h"
#include "app/reconcile_command.h"
#include "core/common/secrets.h"

int main(int argc, char** argv) {
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    bool headless = arguments.contains("--headless") || arguments.contains("--read-events") ||
                    arguments.contains("--reconcile") || arguments.contains("--check-config") ||
                    arguments.contains("--help") || arguments.contains("-h") ||
                    arguments.contains("--version") || arguments.contains("-v");

    std::unique_ptr<QCoreApplication> app;
    if (headless)
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setApplicationName("spillway");
    QCoreApplication::setOrganizationName("spillway");
    QCoreApplication::setApplicationVersion(SPILLWAY_VERSION);

    // Whatever is logged from here on has registered secrets replaced (see core/common/secrets.h).
    spillway::install_redacting_message_handler();
    const auto parsed = spillway::parse_options(QCoreApplication::arguments());
    if (!parsed.options) {
        (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.output << std::endl;
        return parsed.exit_code;
    }
    if (parsed.options->read_events)
        return spillway::run_read_events(*parsed.options, std::cout, std::cerr);
    spillway::install_stop_signal_handlers();
    if (parsed.options->reconcile)
        return spillway::run_reconcile(*parsed.options, std::cout, std::cerr);
    if (parsed.options->headless)
        return spillway::run_headless(*parsed.options, std::cout, std::cerr);
    // SIGINT/SIGTERM close the console like its window does: the session then drains gracefully.
    QTimer signal_watch;
    QObject::connect(&signal_watch, &QTimer::timeout, [] {
        if (spillway::stop_signals_received() > 0)
            QCoreApplication::quit();
    });
    signal_watch.start(100);
    return spillway::run_console_for(*parsed.options);
}
