#pragma once
// The control API's routes (see README "Control API"): status, snapshot, knobs, drain and the
// dead-letter operations, behind a bearer token. Engine reads and knob changes are answered on
// the HTTP thread (they only swap pointers); dead-letter operations run one at a time on their
// own worker thread with its own DeadLetterStore, so a long replay never holds up /metrics.
//
// The worker is a std::thread fed through a mutex-guarded queue, and its DeadLetterStore is a
// local of that thread: made, used and released there and nowhere else. The hand-over is ordered
// by std::mutex and std::thread::join, which ThreadSanitizer sees; Qt's queued calls and
// QThread::wait synchronise inside the uninstrumented Qt, where it cannot.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/dead_letters/dead_letter_store.h"
#include "core/tiering/tier_snapshot.h"
#include "app/service/http_server.h"

namespace spillway {

class Engine;

struct ControlApiOptions {
    std::string token;    // the bearer token; empty: every /api/ request is refused (401)
    std::string version;  // for status and spillway_build_info
    // Where the dead-letter operations work (the engine's sink and decoder options).
    SinkOptions sink;
    DecoderOptions decoder;
    std::function<void()> request_drain;  // POST /api/v1/drain
    // The tiering service's latest look, for /metrics and status; unset without one.
    std::function<std::shared_ptr<const TierSnapshot>()> tier_snapshot;
};

class ControlApi {
public:
    ControlApi(Engine& engine, ControlApiOptions options);
    ~ControlApi();
    ControlApi(const ControlApi&) = delete;
    ControlApi& operator=(const ControlApi&) = delete;

    // The HttpServer handler: /metrics and /api/v1/...
    void handle(const HttpRequest& request, const HttpResponder& respond);
    // The HttpServer's look at a request's head: the route's body limit, and 401 without the
    // token (before any body is read).
    HttpAdmission admit(const HttpRequest& head) const;

private:
    using StoreJob = std::function<HttpResponse(DeadLetterStore&)>;
    // One queued operation; `store` is the worker's own (null until the first use, and again
    // after a lost connection).
    using WorkerTask = std::function<void(std::unique_ptr<DeadLetterStore>& store)>;
    void run_store_worker();
    void handle_api(const HttpRequest& request, const HttpResponder& respond);
    void handle_dead_letters(const HttpRequest& request, const QList<QByteArray>& segments,
                             const HttpResponder& respond);
    void run_on_store(StoreJob job, const HttpResponder& respond);
    bool authorized(const HttpRequest& request) const;
    HttpResponse unauthorized() const;
    HttpResponse metrics() const;
    HttpResponse status() const;
    HttpResponse put_knobs(const HttpRequest& request);

    Engine& engine_;
    ControlApiOptions options_;
    std::mutex tasks_mutex_;  // guards tasks_ and stopping_
    std::condition_variable tasks_wake_;
    std::deque<WorkerTask> tasks_;
    bool stopping_ = false;
    std::thread store_thread_;  // runs run_store_worker()
};

// Equal without leaking where they differ or how long the secret is (compares SHA-256 digests).
bool constant_time_equal(const QByteArray& a, const QByteArray& b);

}  // namespace spillway
