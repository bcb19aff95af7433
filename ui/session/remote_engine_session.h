#pragma once
// The console's engine when it runs elsewhere: a headless `spillway --headless --listen ...`
// reached through its control API. It polls GET /api/v1/snapshot about ten times a second and
// turns the answers back into the same Snapshot values an embedded engine publishes, so the
// dashboard and the tuning page work unchanged; knob changes go out as PUT /api/v1/knobs.
//
// Nothing here blocks the GUI thread: every request is asynchronous, at most one snapshot request
// is in flight (a slow engine gets fewer polls, never a pile of them), and each has a timeout.
// A failed request is reported with its method, URL and HTTP status through requestFailed();
// the last good snapshot stays on screen meanwhile.
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/pipeline/metrics.h"
#include "ui/session/engine_control.h"

class QNetworkReply;

namespace spillway {

class RemoteEngineSession : public QObject, public EngineControl {
    Q_OBJECT
public:
    explicit RemoteEngineSession(QObject* parent = nullptr);
    ~RemoteEngineSession() override;

    // Starts polling `base_url` (e.g. http://127.0.0.1:9464) with `token` as the bearer token and
    // returns at once; connected() or requestFailed() follow. A running session is stopped first.
    void start(const QUrl& base_url, const QString& token);
    // Stops polling; answers still on their way are dropped. The remote engine keeps running.
    void stop();
    bool active() const { return active_; }
    QUrl base_url() const { return base_url_; }

    // The latest snapshot whose knob history is known too; null before the first one.
    std::shared_ptr<const Snapshot> snapshot() const { return published_; }

    // POST /api/v1/drain: the remote engine drains and stops. drainAccepted() or requestFailed().
    void request_drain();

    // How often the snapshot is asked for, and how long any one request may take.
    void set_poll_interval(std::chrono::milliseconds interval);
    void set_request_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

    // EngineControl. apply_knobs() checks the knobs with the engine's own rules and sends them;
    // the engine's answer arrives later: knobsApplied() or knobsRefused(). The history and the
    // knobs are those of the latest snapshot (kafka_properties() is not served by the API).
    std::string apply_knobs(const Knobs& knobs, const std::string& origin) override;
    std::optional<Knobs> knobs() const override;
    std::vector<KnobChange> knob_history() const override { return history_; }
    std::map<std::string, std::string> kafka_properties() const override { return {}; }

signals:
    // The first snapshot arrived.
    void connected();
    // A request failed: "GET http://host:port/api/v1/snapshot: HTTP 401 (no or wrong token)".
    void requestFailed(const QString& problem);
    // A request succeeded after one had failed.
    void recovered();
    void knobsApplied();
    // The engine refused the knobs; `reason` in its words, naming the knob.
    void knobsRefused(const QString& reason);
    void drainAccepted();

private:
    using Handler = std::function<void(const QByteArray& body)>;

    QNetworkReply* send(const QByteArray& method, const QString& path, const QByteArray& body,
                        Handler on_success);
    void poll();
    void take_snapshot(const QByteArray& body);
    void fetch_history();
    void report(const QString& problem);
    void clear_problem();

    QNetworkAccessManager* network_;
    QTimer poll_timer_;
    std::chrono::milliseconds timeout_{2000};
    QUrl base_url_;
    QString token_;
    bool active_ = false;
    bool failing_ = false;
    // Bumped by start() and stop(): an answer to an older generation is dropped.
    uint64_t generation_ = 0;
    QPointer<QNetworkReply> snapshot_reply_;
    QPointer<QNetworkReply> history_reply_;

    std::shared_ptr<const Snapshot> published_;
    // A snapshot whose knob_version moved waits here until the matching history has arrived, so
    // the tuning page and the chart markers never see new knobs without the change behind them.
    std::shared_ptr<const Snapshot> waiting_for_history_;
    std::optional<uint64_t> history_version_;
    std::vector<KnobChange> history_;
    // Sent but not yet in a snapshot: what knobs() reports meanwhile.
    std::optional<Knobs> sent_knobs_;
    bool connected_once_ = false;
};

}  // namespace spillway
