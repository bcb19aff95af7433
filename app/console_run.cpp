#include "app/console_run.h"

#include <QApplication>
#include <QTimer>
#include <iostream>
#include <memory>
#include <vector>

#include "app/make_run_plan.h"
#include "core/common/secrets.h"
#include "core/kafka/end_offsets.h"
#include "core/pipeline/metrics.h"
#include "ui/session/engine_session.h"
#include "ui/shell/console.h"

namespace spillway {

int run_console_for(const AppOptions& options) {
    if (!options.stop_at_end)
        return run_console(make_run_plan(options));

    Console console(make_run_plan(options));
    // The end offsets are read once the session has started (its consumer exists, so the cluster
    // answered); the committed offsets are then watched as often as the headless backfill does.
    std::vector<int64_t> end_offsets;
    bool reached_end = false;
    bool failed = false;
    QTimer watch;
    watch.setInterval(20);
    QObject::connect(&watch, &QTimer::timeout, &watch, [&] {
        const auto snapshot = console.session().snapshot();
        if (snapshot && caught_up(*snapshot, end_offsets)) {
            reached_end = true;
            watch.stop();
            std::cerr << "Every message up to the end offsets at start is committed; closing.\n";
            QCoreApplication::quit();  // ~Console drains and stops the session
        }
    });
    // `watch` as the context: the connections end before the locals they use.
    QObject::connect(&console, &Console::sessionStarted, &watch, [&] {
        if (watch.isActive() || reached_end)
            return;
        try {
            end_offsets = query_end_offsets(options.bootstrap_servers, options.topic, 30000,
                                            options.effective_kafka_properties());
        } catch (const std::exception& error) {
            std::cerr << "error: --stop-at-end could not read the end offsets: "
                      << redact(error.what()) << "\n";
            failed = true;
            QCoreApplication::quit();
            return;
        }
        int64_t total = 0;
        for (const int64_t end : end_offsets)
            total += end;
        std::cerr << "Spillway is reading \"" << options.topic
                  << "\" up to its end offsets at start (" << total << " messages in "
                  << end_offsets.size() << " partitions), then closes.\n";
        watch.start();
    });
    QObject::connect(&console.session(), &EngineSession::failed, &watch,
                     [&](const QString& message) {
                         std::cerr << "error: " << redact(message.toStdString()) << "\n";
                         failed = true;
                         QCoreApplication::quit();
                     });
    console.begin();
    QApplication::exec();
    return reached_end && !failed ? 0 : 1;
}

}  // namespace spillway
