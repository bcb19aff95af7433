#pragma once
// Runs the TieringJob on its own thread and connection, so neither ingestion nor the GUI ever
// waits on an export: on a schedule (the policy's interval) and on demand (run now, archive one
// partition, restore one). Every few seconds it takes a fresh look at the tiers and publishes it
// as an immutable TierSnapshot, which any thread may copy. The policy can change while it runs.
// Owned by whoever runs the engine (the console's session, the headless run); core only.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/tiering/tier_snapshot.h"
#include "core/tiering/tiering_job.h"

namespace spillway {

class TieringService {
public:
    TieringService(TieringOptions options, TierPolicy policy,
                   std::chrono::milliseconds refresh = std::chrono::seconds(5));
    ~TieringService();  // stop()
    TieringService(const TieringService&) = delete;
    TieringService& operator=(const TieringService&) = delete;

    void start();
    // Lets the current step finish (an export is not interrupted half-way), then joins.
    void stop();

    // The latest look at the tiers; never null (empty and !available before the first one).
    std::shared_ptr<const TierSnapshot> snapshot() const;

    TierPolicy policy() const;
    // Applies at once; a shorter interval or a younger age is acted on at the next wake-up.
    void set_policy(const TierPolicy& policy);

    // Queued for the worker; the outcome shows in the next snapshot (last_outcome/last_error).
    void run_now();
    void archive_now(const std::string& partition);
    void restore(const std::string& partition);
    // Takes a fresh look now instead of at the next refresh.
    void refresh();

private:
    using Request = std::function<std::string(TieringJob&)>;
    void loop();
    void enqueue(Request request, std::string activity);
    void publish(TieringJob* job, const std::string& outcome, const std::string& error);

    const TieringOptions options_;
    const std::chrono::milliseconds refresh_;

    mutable std::mutex mutex_;  // guards the fields below; never held across I/O
    std::condition_variable wake_;
    TierPolicy policy_;
    bool stop_ = false;
    bool policy_changed_ = false;
    std::deque<std::pair<Request, std::string>> requests_;
    std::shared_ptr<const TierSnapshot> snapshot_;
    std::string last_outcome_, last_error_;
    int64_t runs_ = 0;
    std::thread worker_;
};

}  // namespace spillway
