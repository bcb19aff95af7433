#include "core/demo/embedded_postgres.h"

#include "core/common/errno_text.h"
#include "core/common/logging.h"

#include <QLoggingCategory>

#include <libpq-fe.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace spillway {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* kRunDirPrefix = "spillway-pg-";
constexpr auto kStaleAge = 10min;
constexpr int kPortAttempts = 5;
constexpr std::size_t kLogTail = 2048;

std::string tail(const std::string& text, std::size_t size = kLogTail) {
    return text.size() <= size ? text : "..." + text.substr(text.size() - size);
}

std::string join(const std::vector<std::string>& args) {
    std::string out;
    for (const auto& arg : args)
        out += (out.empty() ? "" : " ") + arg;
    return out;
}

std::string describe_status(int status) {
    if (WIFEXITED(status))
        return "exit code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return "killed by signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
}

// libpq conninfo values need quoting only when they contain spaces, quotes or backslashes.
std::string conn_value(const std::string& value) {
    if (!value.empty() && value.find_first_of(" '\\") == std::string::npos)
        return value;
    std::string quoted = "'";
    for (char c : value)
        quoted += (c == '\'' || c == '\\') ? std::string{'\\', c} : std::string{c};
    return quoted + "'";
}

std::string read_file_from(const std::string& path, long offset) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(offset);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

bool has_server(const fs::path& dir) {
    return ::access((dir / "initdb").c_str(), X_OK) == 0 &&
           ::access((dir / "postgres").c_str(), X_OK) == 0;
}

std::string find_bin_dir() {
    fs::path best;
    std::string best_version;
    std::error_code ec;
    for (fs::directory_iterator it("/usr/lib/postgresql", ec), end; !ec && it != end;
         it.increment(ec)) {
        const std::string version = it->path().filename().string();
        if (has_server(it->path() / "bin") &&
            (best.empty() || ::strverscmp(version.c_str(), best_version.c_str()) > 0)) {
            best = it->path() / "bin";
            best_version = version;
        }
    }
    if (!best.empty())
        return best.string();
    // Non-Debian layouts keep the server next to pg_config; Debian's pg_config (libpq-dev) points
    // at /usr/bin, which has no initdb, hence the check.
    if (FILE* pipe = ::popen("pg_config --bindir 2>/dev/null", "r")) {
        char line[4096] = {};
        std::string dir = std::fgets(line, sizeof line, pipe) ? line : "";
        ::pclose(pipe);
        while (!dir.empty() && std::isspace(static_cast<unsigned char>(dir.back())))
            dir.pop_back();
        if (!dir.empty() && has_server(dir))
            return dir;
    }
    throw std::runtime_error(
        "PostgreSQL server binaries not found: install postgresql-15 (looked for initdb in "
        "/usr/lib/postgresql/*/bin and pg_config --bindir)");
}

// A zombie still answers kill(pid, 0), and orphaned zombies stay forever when PID 1 does not reap
// (common in containers), so the process state decides.
bool process_alive(pid_t pid) {
    if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH))
        return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line))
        return true;  // cannot tell: err on the side of keeping the directory
    const auto paren = line.rfind(')');
    return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'Z';
}

pid_t read_postmaster_pid(const fs::path& data_dir) {
    std::ifstream in(data_dir / "postmaster.pid");
    long pid = 0;
    return (in >> pid) ? static_cast<pid_t>(pid) : 0;
}

// The owner holds an flock on owner.lock for its whole life; the kernel drops it when the owner
// dies however it dies, and unlike a pid it cannot be confused by pid reuse. An immediate shutdown
// (SIGQUIT from PDEATHSIG) removes postmaster.pid, so the lock is what identifies a crashed run.
// Without a lock file (the owner died right after mkdtemp) the postmaster pid and the age decide.
bool is_stale(const fs::path& dir) {
    const pid_t postmaster = read_postmaster_pid(dir / "data");
    if (process_alive(postmaster))
        return false;
    const int lock = ::open((dir / "owner.lock").c_str(), O_RDONLY | O_CLOEXEC);
    if (lock >= 0) {
        const bool owner_alive = ::flock(lock, LOCK_EX | LOCK_NB) != 0;
        ::close(lock);
        return !owner_alive;
    }
    if (errno != ENOENT)
        return false;  // someone else's directory we cannot inspect
    if (postmaster > 0)
        return true;
    std::error_code ec;
    const auto mtime = fs::last_write_time(dir, ec);
    return !ec && fs::file_time_type::clock::now() - mtime > kStaleAge;
}

void sweep_stale_run_dirs(const fs::path& base) {
    std::error_code ec;
    for (fs::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& dir = it->path();
        if (dir.filename().string().rfind(kRunDirPrefix, 0) != 0 || !it->is_directory(ec) ||
            !is_stale(dir))
            continue;
        qCInfo(lcPostgres, "removing stale run directory %s", dir.c_str());
        std::error_code remove_ec;
        fs::remove_all(dir, remove_ec);
    }
}

}  // namespace

EmbeddedPostgres::RunAs EmbeddedPostgres::resolve_run_as() {
    EmbeddedPostgres::RunAs run_as;
    if (::geteuid() != 0)
        return run_as;
    // PostgreSQL refuses to run as root, so root (CI containers) hands the server to `postgres`.
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (::getpwnam_r("postgres", &pw, buffer.data(), buffer.size(), &found) != 0 || !found)
        throw std::runtime_error(
            "start: running as root, but there is no 'postgres' account to run the server as");
    run_as.drop = true;
    run_as.uid = pw.pw_uid;
    run_as.gid = pw.pw_gid;
    // Resolved here rather than with initgroups() in the child, which must not touch NSS.
    int count = 16;
    run_as.groups.resize(count);
    while (::getgrouplist(pw.pw_name, pw.pw_gid, run_as.groups.data(), &count) < 0)
        run_as.groups.resize(count);
    run_as.groups.resize(count);
    return run_as;
}

namespace {

// Opens a socket on 127.0.0.1:port (0: any free port) and returns the bound port, 0 on failure.
// SO_REUSEADDR mirrors the postmaster, which can rebind over TIME_WAIT connections.
int bind_loopback(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    socklen_t len = sizeof addr;
    int bound = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
        bound = ntohs(addr.sin_port);
    ::close(fd);
    return bound;
}

// Async-signal-safe: runs between fork and exec.
[[noreturn]] void child_fail(const char* what) {
    char digits[16];
    int n = 0;
    for (int err = errno; n == 0 || err > 0; err /= 10)
        digits[n++] = static_cast<char>('0' + err % 10);
    const char prefix[] = "spillway: child setup failed: ";
    [[maybe_unused]] auto r = ::write(2, prefix, sizeof prefix - 1);
    r = ::write(2, what, std::strlen(what));
    r = ::write(2, ", errno ", 8);
    while (n > 0)
        r = ::write(2, &digits[--n], 1);
    r = ::write(2, "\n", 1);
    ::_exit(127);
}

bool wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD))
            return true;
        if (Clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(10ms);
    }
}

}  // namespace

EmbeddedPostgres::EmbeddedPostgres(EmbeddedPostgresOptions options)
    : options_(std::move(options)) {}

EmbeddedPostgres::~EmbeddedPostgres() {
    try {
        stop();
        if (!run_dir_.empty()) {
            std::error_code ec;
            fs::remove_all(run_dir_, ec);
        }
    } catch (...) {
    }
    if (owner_lock_fd_ >= 0)
        ::close(owner_lock_fd_);
}

void EmbeddedPostgres::start() {
    if (running())
        return;
    stop();  // reaps a postmaster that died on its own; its zombie would hold postmaster.pid
    if (run_dir_.empty()) {
        bin_dir_ = find_bin_dir();
        run_as_ = resolve_run_as();
        make_run_dir();
    }
    if (!initialized_)
        init_cluster();
    write_server_files();
    for (int attempt = 1;; ++attempt) {
        // Keep the previous port across restarts when it is still free: clients may hold it.
        if (port_ == 0 || bind_loopback(port_) != port_)
            port_ = bind_loopback(0);
        if (port_ == 0)
            throw std::runtime_error("start: no free port on 127.0.0.1");
        launch_postmaster();
        if (wait_until_ready())
            break;
        if (attempt == kPortAttempts)
            throw std::runtime_error(
                "start: postmaster could not bind a port in " + std::to_string(kPortAttempts) +
                " attempts: " + server_command_ + "\n" + log_since(log_offset_));
        qCInfo(lcPostgres, "port %d was taken meanwhile, retrying", port_);
        port_ = 0;
    }
    try {
        create_database();
    } catch (...) {
        stop();
        throw;
    }
}

void EmbeddedPostgres::stop() {
    if (postmaster_pid_ <= 0)
        return;
    terminate_postmaster(SIGINT);
    qCInfo(lcPostgres, "stopped server on port %d", port_);
}

bool EmbeddedPostgres::running() const {
    if (postmaster_pid_ <= 0)
        return false;
    // WNOWAIT peeks without reaping, so stop() still collects the child.
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(postmaster_pid_), &info, WEXITED | WNOHANG | WNOWAIT) !=
        0)
        return false;
    return info.si_pid == 0;
}

std::string EmbeddedPostgres::conninfo() const {
    return "host=127.0.0.1 port=" + std::to_string(port_) +
           " dbname=" + conn_value(options_.database) + " user=" + conn_value(options_.user);
}

void EmbeddedPostgres::make_run_dir() {
    // getenv races only with setenv, which nothing in Spillway calls.
    const char* tmpdir = std::getenv("TMPDIR");  // NOLINT(concurrency-mt-unsafe)
    const fs::path base = !options_.base_dir.empty() ? options_.base_dir
                          : (tmpdir && *tmpdir)      ? tmpdir
                                                     : "/tmp";
    sweep_stale_run_dirs(base);

    std::string dir = (base / (std::string(kRunDirPrefix) + "XXXXXX")).string();
    if (!::mkdtemp(dir.data()))
        throw std::runtime_error("start: cannot create run directory " + dir + ": " + errno_text());
    run_dir_ = dir;
    data_dir_ = dir + "/data";
    socket_dir_ = dir + "/socket";
    log_path_ = dir + "/server.log";
    try {
        owner_lock_fd_ = ::open((dir + "/owner.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (owner_lock_fd_ < 0 || ::flock(owner_lock_fd_, LOCK_EX) != 0)
            throw std::runtime_error("start: cannot lock " + dir + "/owner.lock: " + errno_text());
        fs::create_directory(socket_dir_);
        fs::permissions(socket_dir_, fs::perms::owner_all);
        std::ofstream(log_path_).flush();
        // The server (and initdb) write the socket, the lock files and the data directory as
        // `postgres`; the parent of the run directory must be searchable by it too (/tmp is).
        if (run_as_.drop) {
            auto give = [&](const fs::path& p) {
                if (::lchown(p.c_str(), run_as_.uid, run_as_.gid) != 0)
                    throw std::runtime_error("start: cannot chown " + p.string() +
                                             " to postgres: " + errno_text());
            };
            give(dir);
            for (const auto& entry : fs::recursive_directory_iterator(dir))
                give(entry.path());
        }
    } catch (...) {
        std::error_code ec;
        fs::remove_all(dir, ec);
        if (owner_lock_fd_ >= 0)
            ::close(owner_lock_fd_);
        owner_lock_fd_ = -1;
        run_dir_.clear();
        throw;
    }
    qCInfo(lcPostgres, "run directory %s, server binaries in %s", run_dir_.c_str(),
           bin_dir_.c_str());
}

void EmbeddedPostgres::init_cluster() {
    const std::vector<std::string> cmd = {bin_dir_ + "/initdb",
                                          "-D",
                                          data_dir_,
                                          "-U",
                                          options_.user,
                                          "-A",
                                          "trust",
                                          "-E",
                                          "UTF8",
                                          "--locale=C",
                                          "--no-sync"};
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error("initdb: pipe: " + errno_text());
    pid_t pid = -1;
    try {
        pid = spawn(cmd, fds[1]);
    } catch (...) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw;
    }
    ::close(fds[1]);
    std::string output;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n > 0)
            output.append(buffer, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR)
            break;
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        // initdb refuses a non-empty directory: clear the remains so that start() can be retried.
        std::error_code ec;
        fs::remove_all(data_dir_, ec);
        throw std::runtime_error("initdb failed (" + describe_status(status) + "): " + join(cmd) +
                                 "\n" + tail(output));
    }
    initialized_ = true;
    qCInfo(lcPostgres, "initialized cluster in %s", data_dir_.c_str());
}

void EmbeddedPostgres::write_server_files() {
    for (const auto& [name, contents] : options_.server_files) {
        if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
            throw std::runtime_error("start: server file name \"" + name +
                                     "\" is not a plain file name");
        const std::string path = data_dir_ + "/" + name;
        // Created 0600 before anything is written, so the key is never readable by others.
        const int fd =
            ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
            throw std::runtime_error("start: cannot create " + path + ": " + errno_text());
        bool ok = ::fchmod(fd, 0600) == 0 &&
                  (!run_as_.drop || ::fchown(fd, run_as_.uid, run_as_.gid) == 0);
        for (std::size_t done = 0; ok && done < contents.size();) {
            const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            ok = n > 0;
            done += n > 0 ? static_cast<std::size_t>(n) : 0;
        }
        const std::string error = ok ? std::string() : errno_text();
        ::close(fd);
        if (!ok)
            throw std::runtime_error("start: cannot write " + path + ": " + error);
    }
}

void EmbeddedPostgres::launch_postmaster() {
    // Started directly rather than through pg_ctl so that it is our child: we can waitpid() it
    // and PDEATHSIG ties it to us.
    std::vector<std::string> cmd = {bin_dir_ + "/postgres",
                                    "-D",
                                    data_dir_,
                                    "-p",
                                    std::to_string(port_),
                                    "-k",
                                    socket_dir_,
                                    "-h",
                                    "127.0.0.1",
                                    "-c",
                                    "max_connections=" + std::to_string(options_.max_connections),
                                    "-c",
                                    "shared_buffers=128MB",
                                    "-c",
                                    "listen_addresses=127.0.0.1",
                                    "-c",
                                    "logging_collector=off"};
    if (!options_.durable) {
        for (const char* setting : {"fsync=off", "synchronous_commit=off", "full_page_writes=off"})
            cmd.insert(cmd.end(), {"-c", setting});
    }
    for (const std::string& setting : options_.server_settings)
        cmd.insert(cmd.end(), {"-c", setting});
    server_command_ = join(cmd);

    const int log = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log < 0)
        throw std::runtime_error("start: cannot open " + log_path_ + ": " + errno_text());
    struct stat st {};
    log_offset_ = ::fstat(log, &st) == 0 ? static_cast<long>(st.st_size) : 0;
    try {
        postmaster_pid_ = spawn(cmd, log);
    } catch (...) {
        ::close(log);
        throw;
    }
    ::close(log);
}

bool EmbeddedPostgres::wait_until_ready() {
    const std::string ping = "host=127.0.0.1 port=" + std::to_string(port_) +
                             " dbname=postgres user=" + conn_value(options_.user) +
                             " connect_timeout=2";
    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.start_timeout_ms);
    for (;;) {
        int status = 0;
        if (::waitpid(postmaster_pid_, &status, WNOHANG) == postmaster_pid_) {
            postmaster_pid_ = -1;
            const std::string log = log_since(log_offset_);
            if (log.find("could not bind") != std::string::npos)
                return false;
            throw std::runtime_error("start: postmaster exited before accepting connections (" +
                                     describe_status(status) + "): " + server_command_ + "\n" +
                                     tail(log));
        }
        const PGPing result = PQping(ping.c_str());
        if (result == PQPING_OK) {
            qCInfo(lcPostgres, "server pid %d ready on 127.0.0.1:%d", postmaster_pid_, port_);
            return true;
        }
        if (result == PQPING_NO_ATTEMPT || Clock::now() >= deadline) {
            terminate_postmaster(SIGQUIT);
            throw std::runtime_error("start: server did not accept connections (" + ping +
                                     ") within " + std::to_string(options_.start_timeout_ms) +
                                     " ms: " + server_command_ + "\n" +
                                     tail(log_since(log_offset_)));
        }
        std::this_thread::sleep_for(50ms);
    }
}

void EmbeddedPostgres::create_database() {
    const std::string admin = "host=127.0.0.1 port=" + std::to_string(port_) +
                              " dbname=postgres user=" + conn_value(options_.user);
    const std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(admin.c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error("connect (" + admin + ") failed: " + PQerrorMessage(conn.get()));

    using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;
    const char* params[] = {options_.database.c_str()};
    const Result exists(PQexecParams(conn.get(), "SELECT 1 FROM pg_database WHERE datname = $1", 1,
                                     nullptr, params, nullptr, nullptr, 0),
                        &PQclear);
    if (PQresultStatus(exists.get()) != PGRES_TUPLES_OK)
        throw std::runtime_error("create database: lookup of " + options_.database +
                                 " failed: " + PQerrorMessage(conn.get()));
    if (PQntuples(exists.get()) > 0)
        return;

    const std::unique_ptr<char, decltype(&PQfreemem)> name(
        PQescapeIdentifier(conn.get(), options_.database.c_str(), options_.database.size()),
        &PQfreemem);
    if (!name)
        throw std::runtime_error("create database: " + std::string(PQerrorMessage(conn.get())));
    const std::string sql = "CREATE DATABASE " + std::string(name.get());
    const Result created(PQexec(conn.get(), sql.c_str()), &PQclear);
    if (PQresultStatus(created.get()) != PGRES_COMMAND_OK)
        throw std::runtime_error("create database: " + sql +
                                 " failed: " + PQerrorMessage(conn.get()));
    qCInfo(lcPostgres, "created database %s", options_.database.c_str());
}

// Everything the child needs is prepared before fork(): other threads of this process may hold
// locks (malloc's, NSS's) at that moment, so the child makes only async-signal-safe calls.
pid_t EmbeddedPostgres::spawn(const std::vector<std::string>& args, int output_fd) const {
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (const auto& arg : args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const char* workdir = run_dir_.c_str();
    const long max_fd = ::sysconf(_SC_OPEN_MAX);

    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork for " + args.front() + " failed: " + errno_text());
    if (pid > 0)
        return pid;

    sigset_t none;
    ::sigemptyset(&none);
    // NOLINTNEXTLINE(concurrency-mt-unsafe): the forked child has one thread
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(output_fd, 1) < 0 || ::dup2(output_fd, 2) < 0)
        child_fail("redirect");
    // Our descriptors (connections, pipes, the owner lock) must not live on in the server.
    if (::close_range(3, ~0U, 0) != 0) {
        for (long fd = 3; fd < max_fd; ++fd)
            ::close(static_cast<int>(fd));
    }
    if (run_as_.drop) {
        if (::setgroups(run_as_.groups.size(), run_as_.groups.data()) != 0)
            child_fail("setgroups");
        if (::setgid(run_as_.gid) != 0)
            child_fail("setgid");
        if (::setuid(run_as_.uid) != 0)
            child_fail("setuid");
    }
    // Set after setuid(), because changing credentials clears the parent-death signal. SIGQUIT
    // makes the postmaster do an immediate shutdown that also ends its backends. Caveat: the
    // signal fires when the *thread* that forked exits, not the process, so start() belongs on a
    // thread that lives as long as the server should (the main thread, in practice).
    ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
    // The parent may have died before prctl(): then nobody would ever signal us.
    if (::getppid() != parent)
        ::_exit(1);
    // Our working directory (e.g. /root) may be closed to `postgres`; the tools insist on one.
    if (::chdir(workdir) != 0)
        child_fail("chdir into the run directory (its parents must be searchable by postgres)");
    ::execv(argv[0], argv.data());
    child_fail("exec");
}

// Fast (or the given) shutdown first, then immediate, then SIGKILL for a server that hangs.
void EmbeddedPostgres::terminate_postmaster(int first_signal) {
    const std::pair<int, std::chrono::milliseconds> steps[] = {
        {first_signal, 30s}, {SIGQUIT, 5s}, {SIGKILL, 60s}};
    for (const auto& [signal, timeout] : steps) {
        ::kill(postmaster_pid_, signal);
        if (wait_exit(postmaster_pid_, timeout))
            break;
        qCWarning(lcPostgres, "server pid %d ignored signal %d", postmaster_pid_, signal);
    }
    postmaster_pid_ = -1;
}

std::string EmbeddedPostgres::log_since(long offset) const {
    return tail(read_file_from(log_path_, offset));
}

}  // namespace spillway
