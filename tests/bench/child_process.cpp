#include "child_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace spillway::bench {

namespace {

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string read_file(const std::string& path) {
    std::ifstream file(path);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv, std::vector<std::string> environment,
                           std::string output_prefix)
    : argv_(std::move(argv)),
      environment_(std::move(environment)),
      output_prefix_(std::move(output_prefix)) {}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !exited_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

void ChildProcess::start() {
    if (argv_.empty())
        throw std::runtime_error("ChildProcess: no program");
    std::vector<std::string> env_text;
    for (char** entry = environ; *entry; ++entry) {
        const std::string item = *entry;
        const std::string name = item.substr(0, item.find('='));
        bool replaced = false;
        for (const auto& extra : environment_)
            replaced = replaced || extra.substr(0, extra.find('=')) == name;
        if (!replaced)
            env_text.push_back(item);
    }
    env_text.insert(env_text.end(), environment_.begin(), environment_.end());
    std::vector<char*> args, env;
    for (auto& arg : argv_)
        args.push_back(arg.data());
    args.push_back(nullptr);
    for (auto& item : env_text)
        env.push_back(item.data());
    env.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string out = output_prefix_ + ".out", err = output_prefix_ + ".err";
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    started_at_ = now_seconds();
    const int error =
        posix_spawn(&pid_, argv_[0].c_str(), &actions, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
        pid_ = -1;
        throw std::runtime_error("cannot start " + argv_[0] + ": " + std::strerror(error));
    }
}

void ChildProcess::reap(int status, const rusage& usage) {
    exited_ = true;
    wall_seconds_ = now_seconds() - started_at_;
    cpu_seconds_ = double(usage.ru_utime.tv_sec) + double(usage.ru_utime.tv_usec) / 1e6 +
                   double(usage.ru_stime.tv_sec) + double(usage.ru_stime.tv_usec) / 1e6;
    max_rss_mib_ = double(usage.ru_maxrss) / 1024.0;  // KiB on Linux
    if (WIFEXITED(status))
        exit_code_ = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        term_signal_ = WTERMSIG(status);
}

bool ChildProcess::running() {
    if (pid_ <= 0 || exited_)
        return false;
    peak_hwm_mib_ = std::max(peak_hwm_mib_, status_mib("VmHWM:"));
    int status = 0;
    rusage usage{};
    const pid_t done = ::wait4(pid_, &status, WNOHANG, &usage);
    if (done == pid_) {
        reap(status, usage);
        return false;
    }
    if (done < 0 && errno != EINTR) {
        exited_ = true;  // not our child any more: nothing left to wait for
        return false;
    }
    return true;
}

void ChildProcess::send_signal(int signal_number) {
    if (pid_ > 0 && !exited_)
        ::kill(pid_, signal_number);
}

double ChildProcess::rss_mib() const {
    return status_mib("VmRSS:");
}

// A "Name:   123456 kB" line of /proc/PID/status in MiB; 0 once the child is gone.
double ChildProcess::status_mib(std::string_view field) const {
    if (pid_ <= 0 || exited_)
        return 0;
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(field, 0) == 0)
            return std::atof(line.c_str() + field.size()) / 1024.0;
    }
    return 0;
}

double ChildProcess::max_rss_mib() const {
    // ru_maxrss is not the child's own peak: posix_spawn runs the child in this process's memory
    // until exec (CLONE_VM), and exec keeps the high-water mark of the memory it leaves, so the
    // figure was this process's RSS at spawn whenever that was larger (the mock cluster holding
    // the backlog). VmHWM counts only the child's own memory after exec.
    return peak_hwm_mib_ > 0 ? peak_hwm_mib_ : max_rss_mib_;
}

void ChildProcess::wait(double timeout_s, const std::function<void()>& each_poll, int poll_ms) {
    const double deadline = now_seconds() + timeout_s;
    while (running()) {
        if (each_poll)
            each_poll();
        if (now_seconds() > deadline) {
            timed_out_ = true;
            send_signal(SIGKILL);
            int status = 0;
            rusage usage{};
            if (::wait4(pid_, &status, 0, &usage) == pid_)
                reap(status, usage);
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
    }
}

std::string ChildProcess::stdout_text() const {
    return read_file(output_prefix_ + ".out");
}

std::string ChildProcess::stderr_text() const {
    return read_file(output_prefix_ + ".err");
}

std::string ChildProcess::output_tail(size_t max_chars) const {
    const std::string text = stderr_text() + stdout_text();
    return text.size() > max_chars ? "..." + text.substr(text.size() - max_chars) : text;
}

}  // namespace spillway::bench
