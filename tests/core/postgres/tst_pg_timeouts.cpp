// PgConnection against a server that does not answer: a listener on 127.0.0.1 that accepts the
// TCP connection and never says a word (a hung or overloaded server). Without a connect timeout
// libpq waits for ever; PgConnection sets one unless the connection string does.
#include <QElapsedTimer>
#include <QtTest/QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>

#include "core/postgres/pg_connection.h"

using namespace spillway;
using namespace std::chrono_literals;

namespace {

// A listening socket nobody accepts from: the kernel completes the handshake, libpq sends its
// startup packet and waits for an answer that never comes.
class SilentServer {
public:
    SilentServer() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(fd_, 16) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            throw std::runtime_error("cannot listen on 127.0.0.1");
        port_ = ntohs(addr.sin_port);
    }
    ~SilentServer() { ::close(fd_); }
    std::string conninfo() const {
        return "host=127.0.0.1 port=" + std::to_string(port_) +
               " dbname=nobody user=nobody sslmode=disable";
    }

private:
    int fd_ = -1;
    int port_ = 0;
};

// Connects on another thread; the answer within `limit`, or "hung" (the thread is left to
// finish: a failing run must not hang the test itself).
std::string connect_outcome(const std::string& conninfo, std::chrono::seconds limit,
                            qint64& elapsed_ms) {
    QElapsedTimer timer;
    timer.start();
    auto outcome = std::async(std::launch::async, [conninfo]() -> std::string {
        try {
            PgConnection connection(conninfo);
            return "connected";
        } catch (const PgError& error) {
            return error.what();
        }
    });
    if (outcome.wait_for(limit) != std::future_status::ready) {
        elapsed_ms = timer.elapsed();
        new auto(std::move(outcome));  // leaked on purpose: its destructor would wait
        return "hung";
    }
    elapsed_ms = timer.elapsed();
    return outcome.get();
}

}  // namespace

class TestPgTimeouts : public QObject {
    Q_OBJECT

private slots:
    // No connect_timeout in the connection string: PgConnection's own (10 s) ends the wait.
    void defaultConnectTimeout() {
        SilentServer server;
        qint64 elapsed = 0;
        const std::string outcome = connect_outcome(server.conninfo(), 40s, elapsed);
        qInfo("after %lld ms: %s", elapsed, outcome.c_str());
        QVERIFY2(outcome != "hung", "no answer within 40 s: no connect timeout");
        QVERIFY2(outcome.find("timeout") != std::string::npos, outcome.c_str());
        QVERIFY2(outcome.find("cannot connect to PostgreSQL") != std::string::npos,
                 outcome.c_str());
    }

    // The operator's connect_timeout wins over the default.
    void connectTimeoutFromTheConnectionString() {
        SilentServer server;
        qint64 elapsed = 0;
        const std::string outcome =
            connect_outcome(server.conninfo() + " connect_timeout=2", 40s, elapsed);
        qInfo("after %lld ms: %s", elapsed, outcome.c_str());
        QVERIFY(outcome.find("timeout") != std::string::npos);
        QVERIFY2(elapsed < 9000, qPrintable(QString::number(elapsed)));  // not the 10 s default
    }
};

QTEST_GUILESS_MAIN(TestPgTimeouts)
#include "tst_pg_timeouts.moc"
