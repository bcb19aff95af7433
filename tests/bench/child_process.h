#pragma once
// A child process for the benchmark: the real spillway binary run as a user runs it, its output
// in files, its CPU time and peak memory from wait4(), its resident set readable from /proc while
// it runs. Owned and driven by one thread (the benchmark's main thread).
#include <sys/resource.h>
#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::bench {

class ChildProcess {
public:
    // argv[0] is the program's path. `environment`: NAME=VALUE entries added to (or replacing
    // those of) this process's environment. Output goes to output_prefix + ".out" / ".err".
    ChildProcess(std::vector<std::string> argv, std::vector<std::string> environment,
                 std::string output_prefix);
    ~ChildProcess();  // a child still running is killed and reaped
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    void start();  // throws std::runtime_error naming the program and the reason
    pid_t pid() const { return pid_; }
    // Reaps the child when it has exited (never blocks); false once it has.
    bool running();
    void send_signal(int signal_number);
    // VmRSS of the running child in MiB; 0 once it is gone.
    double rss_mib() const;
    // Calls each_poll every poll_ms until the child exits; SIGKILL after timeout_s (timed_out()).
    void wait(double timeout_s, const std::function<void()>& each_poll = {}, int poll_ms = 50);

    // After the exit:
    int exit_code() const { return exit_code_; }  // -1 when killed by a signal
    int term_signal() const { return term_signal_; }
    bool timed_out() const { return timed_out_; }
    double wall_seconds() const { return wall_seconds_; }  // start() -> reaped
    double cpu_seconds() const { return cpu_seconds_; }    // user + system, child and its own
    // Peak resident set: the child's VmHWM, sampled at every running() (wait() polls it every
    // poll_ms), or ru_maxrss if it was never sampled.
    double max_rss_mib() const;
    std::string stdout_text() const;
    std::string stderr_text() const;
    std::string output_prefix() const { return output_prefix_; }
    // The last lines of stderr then stdout, for a failure message.
    std::string output_tail(size_t max_chars = 1500) const;

private:
    void reap(int status, const ::rusage& usage);
    double status_mib(std::string_view field) const;

    std::vector<std::string> argv_;
    std::vector<std::string> environment_;
    std::string output_prefix_;
    pid_t pid_ = -1;
    bool exited_ = false;
    bool timed_out_ = false;
    int exit_code_ = -1;
    int term_signal_ = 0;
    double started_at_ = 0;
    double wall_seconds_ = 0;
    double cpu_seconds_ = 0;
    double peak_hwm_mib_ = 0;
    double max_rss_mib_ = 0;
};

}  // namespace spillway::bench
