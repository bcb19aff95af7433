// EmbeddedPostgres against the real server binaries: it listens on loopback only, runs as
// `postgres` under root, keeps its data across a restart, cleans up after itself, and does not
// outlive an owner that is SIGKILLed.
#include "core/demo/embedded_postgres.h"

#include <QDir>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <pqxx/pqxx>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

using spillway::EmbeddedPostgres;
using spillway::EmbeddedPostgresOptions;

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// A zombie counts as gone: an orphan's zombie lingers when PID 1 does not reap (containers).
bool process_gone(pid_t pid) {
    if (::kill(pid, 0) != 0 && errno == ESRCH)
        return true;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const auto paren = line.rfind(')');
    return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z';
}

bool port_accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return connected;
}

// The real uid from /proc/<pid>/status ("Uid:\treal\teffective\tsaved\tfs"), -1 if unknown.
long process_uid(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("Uid:", 0) == 0)
            return std::stol(line.substr(4));
    }
    return -1;
}

QStringList run_dirs(const QString& base) {
    QStringList dirs;
    for (const QString& name : QDir(base).entryList({"spillway-pg-*"}, QDir::Dirs))
        dirs << base + "/" + name;
    return dirs;
}

void discard_messages(QtMsgType, const QMessageLogContext&, const QString&) {}

}  // namespace

class TestEmbeddedPostgres : public QObject {
    Q_OBJECT

private slots:
    void startsOnLoopback();
    void dataSurviveRestart();
    void destructorRemovesEverything();
    void killedOwnerTakesServerAlong();
};

void TestEmbeddedPostgres::startsOnLoopback() {
    EmbeddedPostgres pg;
    pg.start();
    QVERIFY(pg.running());
    QCOMPARE(q(pg.conninfo()),
             QString("host=127.0.0.1 port=%1 dbname=spillway user=spillway").arg(pg.port()));

    pqxx::connection conn(pg.conninfo());
    pqxx::work tx(conn);
    QCOMPARE(tx.exec1("select 1")[0].as<int>(), 1);
    const auto version = tx.exec1("show server_version")[0].as<std::string>();
    QVERIFY2(version.rfind("15", 0) == 0, version.c_str());
    QCOMPARE(q(tx.exec1("select host(inet_server_addr())")[0].as<std::string>()),
             QString("127.0.0.1"));
    QCOMPARE(q(tx.exec1("select current_database()")[0].as<std::string>()), QString("spillway"));
    QCOMPARE(q(tx.exec1("show fsync")[0].as<std::string>()), QString("off"));

    if (::geteuid() == 0) {
        const passwd* pw = ::getpwnam("postgres");
        QVERIFY(pw);
        QCOMPARE(process_uid(pg.postmaster_pid()), static_cast<long>(pw->pw_uid));
        struct stat st {};
        QCOMPARE(::stat(pg.data_dir().c_str(), &st), 0);
        QCOMPARE(st.st_uid, pw->pw_uid);
    }
}

void TestEmbeddedPostgres::dataSurviveRestart() {
    EmbeddedPostgres pg;
    pg.start();
    const int port = pg.port();
    {
        pqxx::connection conn(pg.conninfo());
        pqxx::work tx(conn);
        tx.exec0("create table t (id int primary key, name text)");
        tx.exec0("insert into t values (1, 'one'), (2, 'two')");
        tx.commit();
    }

    pg.stop();
    QVERIFY(!pg.running());
    QCOMPARE(pg.postmaster_pid(), -1);
    QVERIFY_THROWS_EXCEPTION(pqxx::broken_connection, pqxx::connection{pg.conninfo()});
    pg.stop();  // idempotent

    pg.start();
    QVERIFY(pg.running());
    QCOMPARE(pg.port(), port);
    pqxx::connection conn(pg.conninfo());
    pqxx::work tx(conn);
    QCOMPARE(tx.exec1("select count(*) from t")[0].as<int>(), 2);
}

void TestEmbeddedPostgres::destructorRemovesEverything() {
    std::string run_dir;
    int port = 0;
    pid_t pid = -1;
    {
        EmbeddedPostgres pg;
        pg.start();
        run_dir = pg.run_dir();
        port = pg.port();
        pid = pg.postmaster_pid();
        QVERIFY(std::filesystem::exists(run_dir + "/data/PG_VERSION"));
        QVERIFY(port_accepts(port));
    }
    QVERIFY(!std::filesystem::exists(run_dir));
    QVERIFY(!port_accepts(port));
    QVERIFY(process_gone(pid));
}

void TestEmbeddedPostgres::killedOwnerTakesServerAlong() {
    QTemporaryDir base;
    QVERIFY(base.isValid());
    // QTemporaryDir is 0700; under root the server runs as `postgres` and must reach inside.
    QCOMPARE(::chmod(QFile::encodeName(base.path()).constData(), 0755), 0);
    EmbeddedPostgresOptions options;
    options.base_dir = base.path().toStdString();

    int fds[2];
    QCOMPARE(::pipe(fds), 0);
    const pid_t owner = ::fork();
    QVERIFY(owner >= 0);
    if (owner == 0) {
        // The owner never returns into Qt: it ends by SIGKILL, or _exit when start() failed.
        ::close(fds[0]);
        qInstallMessageHandler(discard_messages);
        pid_t postmaster = -1;
        try {
            auto* pg = new EmbeddedPostgres(options);  // never destroyed: the kill must clean up
            pg->start();
            postmaster = pg->postmaster_pid();
        } catch (...) {
        }
        [[maybe_unused]] auto written = ::write(fds[1], &postmaster, sizeof postmaster);
        if (postmaster <= 0)
            ::_exit(1);
        for (;;)
            ::pause();
    }
    ::close(fds[1]);
    auto reap_owner = qScopeGuard([owner] {
        ::kill(owner, SIGKILL);
        ::waitpid(owner, nullptr, 0);
    });

    pid_t postmaster = -1;
    pollfd readable{fds[0], POLLIN, 0};
    if (::poll(&readable, 1, 60000) == 1 &&
        ::read(fds[0], &postmaster, sizeof postmaster) != sizeof postmaster)
        postmaster = -1;
    ::close(fds[0]);
    QVERIFY2(postmaster > 0, "the owner process failed to start a server");
    QVERIFY(!process_gone(postmaster));

    reap_owner.dismiss();
    QCOMPARE(::kill(owner, SIGKILL), 0);
    QCOMPARE(::waitpid(owner, nullptr, 0), owner);
    QTRY_VERIFY_WITH_TIMEOUT(process_gone(postmaster), 10000);

    // The dead owner's directory is swept by the next start in the same base directory.
    QCOMPARE(run_dirs(base.path()).size(), 1);
    EmbeddedPostgres next(options);
    next.start();
    QCOMPARE(run_dirs(base.path()), QStringList{q(next.run_dir())});
}

QTEST_GUILESS_MAIN(TestEmbeddedPostgres)
#include "tst_embedded_postgres.moc"
