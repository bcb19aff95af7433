#include "core/tiering/tiering_service.h"

#include "core/tiering/tiering_logging.h"

namespace spillway {

namespace {

std::string join(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

// A run's report in one line for the console.
std::string describe(const TierRunReport& report) {
    std::string text = report.archived.empty() ? std::string("run finished: nothing due")
                                               : "run finished: archived " + join(report.archived);
    if (!report.recovered.empty())
        text += "; recovered " + join(report.recovered);
    return text;
}

constexpr auto kReconnectDelay = std::chrono::seconds(5);

}  // namespace

TieringService::TieringService(TieringOptions options, TierPolicy policy,
                               std::chrono::milliseconds refresh)
    : options_(std::move(options)),
      refresh_(refresh),
      policy_(policy),
      snapshot_(std::make_shared<TierSnapshot>()) {}

TieringService::~TieringService() {
    stop();
}

void TieringService::start() {
    if (!worker_.joinable())
        worker_ = std::thread([this] { loop(); });
}

void TieringService::stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable())
        worker_.join();
}

std::shared_ptr<const TierSnapshot> TieringService::snapshot() const {
    std::lock_guard lock(mutex_);
    return snapshot_;
}

TierPolicy TieringService::policy() const {
    std::lock_guard lock(mutex_);
    return policy_;
}

void TieringService::set_policy(const TierPolicy& policy) {
    {
        std::lock_guard lock(mutex_);
        policy_ = policy;
        policy_changed_ = true;
    }
    wake_.notify_all();
}

void TieringService::enqueue(Request request, std::string activity) {
    {
        std::lock_guard lock(mutex_);
        requests_.emplace_back(std::move(request), std::move(activity));
    }
    wake_.notify_all();
}

void TieringService::run_now() {
    enqueue(
        [this](TieringJob& job) {
            return describe(job.run(policy(), std::chrono::system_clock::now(), "operator"));
        },
        "running the tiering job");
}

void TieringService::archive_now(const std::string& partition) {
    enqueue(
        [partition](TieringJob& job) {
            const ArchiveManifest manifest = job.archive_partition(partition);
            return "archived " + partition + ": " + std::to_string(manifest.rows) + " rows";
        },
        "archiving " + partition);
}

void TieringService::restore(const std::string& partition) {
    enqueue(
        [partition](TieringJob& job) {
            return "restored " + partition + ": " +
                   std::to_string(job.restore_partition(partition)) + " rows";
        },
        "restoring " + partition);
}

void TieringService::refresh() {
    enqueue([](TieringJob&) { return std::string(); }, "looking");
}

void TieringService::publish(TieringJob* job, const std::string& outcome,
                             const std::string& error) {
    TierSnapshot next;
    std::string look_error;
    if (job) {
        try {
            next = job->look(policy());
        } catch (const std::exception& failure) {
            look_error = failure.what();
        }
    }
    std::lock_guard lock(mutex_);
    if (!outcome.empty())
        last_outcome_ = outcome;
    if (!error.empty() || !look_error.empty())
        last_error_ = !error.empty() ? error : look_error;
    else if (!outcome.empty())
        last_error_.clear();
    if (!next.available) {
        // Keep the last good figures; only the words change.
        next = *snapshot_;
        next.taken_at = std::chrono::system_clock::now();
    }
    next.policy = policy_;
    next.last_outcome = last_outcome_;
    next.last_error = last_error_.empty() ? next.last_error : last_error_;
    next.runs = runs_;
    next.activity = "idle";
    snapshot_ = std::make_shared<const TierSnapshot>(std::move(next));
}

void TieringService::loop() {
    using Clock = std::chrono::steady_clock;
    std::unique_ptr<TieringJob> job;
    auto next_run = Clock::now();  // a first run at start finishes what a crash left open
    auto next_look = Clock::now();
    for (;;) {
        std::optional<std::pair<Request, std::string>> request;
        bool scheduled = false;
        {
            std::unique_lock lock(mutex_);
            const auto interval = std::chrono::seconds(std::max(1, policy_.run_interval_s));
            if (policy_changed_) {
                policy_changed_ = false;
                next_run = std::min(next_run, Clock::now() + interval);
            }
            wake_.wait_until(lock, std::min(next_run, next_look),
                             [&] { return stop_ || !requests_.empty() || policy_changed_; });
            if (stop_)
                return;
            if (!requests_.empty()) {
                request = std::move(requests_.front());
                requests_.pop_front();
            } else if (Clock::now() >= next_run) {
                scheduled = true;
                next_run = Clock::now() + interval;
            }
            if (request || scheduled) {
                auto busy = std::make_shared<TierSnapshot>(*snapshot_);
                busy->activity = request ? request->second : "running the tiering job";
                snapshot_ = busy;
            }
        }
        if (!job) {
            try {
                job = std::make_unique<TieringJob>(options_);
            } catch (const std::exception& failure) {
                qCWarning(lcTiering) << "tiering cannot start:" << failure.what();
                publish(nullptr, {}, std::string("tiering cannot start: ") + failure.what());
                next_look = Clock::now() + kReconnectDelay;
                continue;
            }
        }
        std::string outcome, error;
        try {
            if (request) {
                outcome = request->first(*job);
            } else if (scheduled) {
                const TierRunReport report = job->run(policy(), std::chrono::system_clock::now());
                outcome = describe(report);
                if (!report.errors.empty())
                    error = join(report.errors);
            }
            if (scheduled || !outcome.empty()) {
                std::lock_guard lock(mutex_);
                ++runs_;
            }
        } catch (const std::exception& failure) {
            error = failure.what();
            qCWarning(lcTiering) << failure.what();
        }
        publish(job.get(), outcome, error);
        next_look = Clock::now() + refresh_;
        // A lost connection: start over with a new one at the next wake-up.
        if (!job->connected())
            job.reset();
    }
}

}  // namespace spillway
