#include "support/child_service.h"

#include <QRegularExpression>
#include <QtTest/QtTest>

#include "support/pipeline_fixture.h"

namespace spillway::test {

QString output_tail(const QString& output, int lines) {
    const QStringList all = output.split('\n');
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join('\n');
}

ReleaseOnExit::~ReleaseOnExit() {
    try {
        release();
    } catch (const std::exception& error) {
        qWarning() << "release failed:" << error.what();
    }
}

QStringList service_arguments(const PipelineFixture& fixture, const std::string& group,
                              const std::string& table, const std::string& dead_table,
                              const QStringList& extra) {
    return QStringList{"--headless",          "--bootstrap-servers",
                       qtext(fixture.bootstrap_servers()), "--pg",
                       qtext(fixture.conninfo()), "--topic",
                       qtext(fixture.topic()),    "--group",
                       qtext(group),              "--table",
                       qtext(table),              "--dead-letter-table",
                       qtext(dead_table)} +
           extra;
}

bool wait_until_consuming(QProcess& child, QString& err) {
    const auto consuming = [&] {
        err += QString::fromUtf8(child.readAllStandardError());
        return err.contains("SIGINT or SIGTERM drains and stops");
    };
    if (!QTest::qWaitFor([&] { return consuming() || child.state() == QProcess::NotRunning; },
                         60000))
        return false;
    return consuming() && child.state() == QProcess::Running;
}

void wait_out_dead_member() {
    QTest::qWait(12000);
}

quint16 served_port(const QString& err) {
    static const QRegularExpression pattern("control API on http://[^ ]*:([0-9]+)");
    const auto match = pattern.match(err);
    return match.hasMatch() ? static_cast<quint16>(match.captured(1).toUInt()) : 0;
}

quint16 start_serving(QProcess& child, const QString& program, const QStringList& arguments,
                      QString& err) {
    child.start(program, arguments);
    quint16 port = 0;
    (void)QTest::qWaitFor(
        [&] {
            err += QString::fromLocal8Bit(child.readAllStandardError());
            port = served_port(err);
            return port != 0 || child.state() == QProcess::NotRunning;
        },
        60000);
    return port;
}

}  // namespace spillway::test
