#pragma once
// A private PostgreSQL server for the demo and the tests: initdb into a fresh directory, start on a
// free 127.0.0.1 port with a private socket directory, create the database, stop cleanly.
//
// When the process runs as root (as CI does) the server runs as the unprivileged `postgres`
// account, because PostgreSQL refuses root. The server is tied to its owner: it receives SIGQUIT
// when the thread that called start() exits, so a crashed test run leaves no server behind; stale
// directories of dead runs are swept on the next start.
#include <sys/types.h>
#include <string>
#include <utility>
#include <vector>

namespace spillway {

struct EmbeddedPostgresOptions {
    std::string base_dir;               // where the run directory is made; empty: $TMPDIR or /tmp
    std::string database = "spillway";  // created after start
    std::string user = "spillway";      // superuser created by initdb (trust auth on loopback)
    bool durable = false;  // false: fsync/synchronous_commit off — a throwaway demo/test database
    int max_connections = 64;
    int start_timeout_ms = 60000;
    // Extra server settings ("ssl=on", "ssl_cert_file=server.crt"), given as -c after the
    // defaults above, so they may also replace one. A relative file name in a setting is relative
    // to the data directory, where `server_files` go.
    std::vector<std::string> server_settings;
    // Files (name, contents) written into the data directory before the server starts, mode 0600
    // and owned by the server's account: PostgreSQL refuses a private key anyone else can read,
    // and under root the server runs as `postgres`. A name is a plain file name, no directories;
    // a file initdb wrote (pg_hba.conf) is replaced.
    std::vector<std::pair<std::string, std::string>> server_files;
};

class EmbeddedPostgres {
public:
    explicit EmbeddedPostgres(EmbeddedPostgresOptions options = {});
    ~EmbeddedPostgres();  // stops the server and removes its directory
    EmbeddedPostgres(const EmbeddedPostgres&) = delete;
    EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;

    // initdb on first call, then start and wait until it accepts connections. A second start after
    // stop() reuses the same data directory and port (the data survive). Throws
    // std::runtime_error naming the step that failed and the server's own output.
    void start();
    // Fast shutdown (SIGINT), waits for the postmaster to exit. Keeps the data directory.
    void stop();
    bool running() const;

    int port() const { return port_; }
    // libpq connection string, e.g. "host=127.0.0.1 port=54321 dbname=spillway user=spillway"
    std::string conninfo() const;
    const std::string& data_dir() const { return data_dir_; }
    const std::string& run_dir() const { return run_dir_; }
    // -1 when not running; the postmaster is a direct child of this process.
    pid_t postmaster_pid() const { return postmaster_pid_; }

private:
    // The account initdb and the server run as; drop is false when we are not root.
    struct RunAs {
        bool drop = false;
        uid_t uid = 0;
        gid_t gid = 0;
        std::vector<gid_t> groups;
    };

    static RunAs resolve_run_as();
    void make_run_dir();
    void init_cluster();
    void write_server_files();
    void launch_postmaster();
    bool wait_until_ready();  // false: the postmaster lost the race for its port
    void create_database();
    pid_t spawn(const std::vector<std::string>& argv, int output_fd) const;
    void terminate_postmaster(int first_signal);
    std::string log_since(long offset) const;

    EmbeddedPostgresOptions options_;
    RunAs run_as_;
    std::string bin_dir_;
    std::string run_dir_;  // holds data/, socket/ and the server log
    std::string data_dir_;
    std::string socket_dir_;
    std::string log_path_;
    std::string server_command_;  // for error messages
    int port_ = 0;
    long log_offset_ = 0;  // size of server.log when the current postmaster was launched
    pid_t postmaster_pid_ = -1;
    int owner_lock_fd_ = -1;  // flock held on run_dir/owner.lock while we own the directory
    bool initialized_ = false;
};

}  // namespace spillway
