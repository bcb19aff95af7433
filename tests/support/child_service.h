#pragma once
// Helpers for tests that run the real `spillway` binary as a child process (service mode), shared
// by the fault and scale-out tests.
#include <QProcess>
#include <QString>
#include <QStringList>
#include <functional>
#include <string>

namespace spillway::test {

class PipelineFixture;

inline QString qtext(const std::string& value) {
    return QString::fromStdString(value);
}

// The last lines of a child's output, for failure messages.
QString output_tail(const QString& output, int lines = 40);

// Runs a release action once: explicitly, or when the scope ends early (a failed check).
class ReleaseOnExit {
public:
    explicit ReleaseOnExit(std::function<void()> action) : action_(std::move(action)) {}
    ~ReleaseOnExit();
    ReleaseOnExit(const ReleaseOnExit&) = delete;
    ReleaseOnExit& operator=(const ReleaseOnExit&) = delete;
    void release() {
        if (!done_) {
            done_ = true;
            action_();
        }
    }

private:
    std::function<void()> action_;
    bool done_ = false;
};

// `spillway --headless` as a service on the fixture's Kafka and PostgreSQL.
QStringList service_arguments(const PipelineFixture& fixture, const std::string& group,
                              const std::string& table, const std::string& dead_table,
                              const QStringList& extra = {});

// Waits until the service says it consumes: its signal handlers are installed by then. What it
// wrote to stderr meanwhile is appended to `err`.
bool wait_until_consuming(QProcess& child, QString& err);

// A killed engine stays a member of its group until its session times out (10 s). On the mock
// cluster, an instance that joins while the dead member is still listed can wait through several
// rebalance rounds (we saw 20 to 90 s); joining after the dead member's session has expired
// completes in about 10 s. There is no group state to poll for: the mock cluster does not serve
// DescribeGroups or ListGroups.
void wait_out_dead_member();

// The address a service printed when it started serving ("Serving ... on http://ADDR:PORT"), or
// 0 when it has not (yet).
quint16 served_port(const QString& err);

// Starts `program` with `arguments` and waits until it serves its API: its port, or 0 when it did
// not within a minute (or exited). What it wrote to stderr is appended to `err`.
quint16 start_serving(QProcess& child, const QString& program, const QStringList& arguments,
                      QString& err);

}  // namespace spillway::test
