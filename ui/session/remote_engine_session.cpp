#include "ui/session/remote_engine_session.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>

#include "core/pipeline/snapshot_json.h"
#include "ui/session/console_logging.h"
#include "ui/session/remote_engine_api.h"

namespace spillway {

RemoteEngineSession::RemoteEngineSession(QObject* parent)
    : QObject(parent), network_(new QNetworkAccessManager(this)) {
    poll_timer_.setInterval(std::chrono::milliseconds(100));
    connect(&poll_timer_, &QTimer::timeout, this, &RemoteEngineSession::poll);
}

RemoteEngineSession::~RemoteEngineSession() {
    stop();
}

void RemoteEngineSession::start(const QUrl& base_url, const QString& token) {
    stop();
    base_url_ = base_url;
    token_ = token;
    active_ = true;
    failing_ = false;
    connected_once_ = false;
    published_.reset();
    waiting_for_history_.reset();
    history_version_.reset();
    history_.clear();
    sent_knobs_.reset();
    qCInfo(lcConsole) << "remote engine: polling" << base_url.toString();
    poll();
    poll_timer_.start();
}

void RemoteEngineSession::stop() {
    ++generation_;
    active_ = false;
    poll_timer_.stop();
    for (QNetworkReply* reply : {snapshot_reply_.data(), history_reply_.data()})
        if (reply)
            reply->abort();
}

void RemoteEngineSession::set_poll_interval(std::chrono::milliseconds interval) {
    poll_timer_.setInterval(interval);
}

QNetworkReply* RemoteEngineSession::send(const QByteArray& method, const QString& path,
                                         const QByteArray& body, Handler on_success) {
    const QUrl url = api_url(base_url_, path);
    QNetworkReply* reply =
        network_->sendCustomRequest(api_request(url, token_, timeout_), method, body);
    const uint64_t generation = generation_;
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, generation, method, url, on_success = std::move(on_success)] {
                reply->deleteLater();
                for (QPointer<QNetworkReply>* slot : {&snapshot_reply_, &history_reply_})
                    if (*slot == reply)
                        *slot = nullptr;
                if (generation != generation_)
                    return;  // an answer for a session that has since stopped or moved
                const int status =
                    reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                const QByteArray answer = reply->readAll();
                if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
                    clear_problem();
                    on_success(answer);
                    return;
                }
                if (method == "PUT" && status == 400) {
                    // A refused knob: the engine's reason goes to the tuning page, not the log.
                    sent_knobs_.reset();
                    emit knobsRefused(api_error_text(answer));
                    return;
                }
                report(describe_api_failure(method, url, status, reply->errorString(), answer));
            });
    return reply;
}

void RemoteEngineSession::report(const QString& problem) {
    if (!failing_)
        qCWarning(lcConsole).noquote() << "remote engine:" << problem;
    failing_ = true;
    emit requestFailed(problem);
}

void RemoteEngineSession::clear_problem() {
    if (!failing_)
        return;
    failing_ = false;
    qCInfo(lcConsole) << "remote engine: answering again";
    emit recovered();
}

void RemoteEngineSession::poll() {
    if (!active_ || snapshot_reply_)
        return;
    snapshot_reply_ = send("GET", QStringLiteral("/api/v1/snapshot"), {},
                           [this](const QByteArray& body) { take_snapshot(body); });
}

void RemoteEngineSession::take_snapshot(const QByteArray& body) {
    QJsonParseError parse_error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parse_error);
    std::string error;
    std::optional<Snapshot> snapshot;
    if (!document.isObject())
        error = "not a JSON object: " + parse_error.errorString().toStdString();
    else
        snapshot = snapshot_from_json(document.object(), &error);
    if (!snapshot) {
        report(QStringLiteral("GET %1: the snapshot cannot be read: %2")
                   .arg(api_url(base_url_, QStringLiteral("/api/v1/snapshot")).toString(),
                        QString::fromStdString(error)));
        return;
    }
    auto shared = std::make_shared<const Snapshot>(std::move(*snapshot));
    if (history_version_ == shared->knob_version) {
        published_ = std::move(shared);
        waiting_for_history_.reset();
    } else {
        waiting_for_history_ = std::move(shared);
        sent_knobs_.reset();
        fetch_history();
    }
    if (published_ && !connected_once_) {
        connected_once_ = true;
        emit connected();
    }
}

void RemoteEngineSession::fetch_history() {
    if (history_reply_ || !waiting_for_history_)
        return;
    const uint64_t version = waiting_for_history_->knob_version;
    history_reply_ = send(
        "GET", QStringLiteral("/api/v1/knobs/history"), {},
        [this, version](const QByteArray& body) {
            const QJsonDocument document = QJsonDocument::fromJson(body);
            std::string error = "not a JSON array";
            std::optional<std::vector<KnobChange>> history;
            if (document.isArray())
                history = knob_history_from_json(document.array(), &error);
            if (!history) {
                report(
                    QStringLiteral("GET %1: the knob history cannot be read: %2")
                        .arg(api_url(base_url_, QStringLiteral("/api/v1/knobs/history")).toString(),
                             QString::fromStdString(error)));
                return;
            }
            history_ = std::move(*history);
            history_version_ = version;
            // The snapshot that asked for it, or a newer one of the same version, goes out now.
            if (waiting_for_history_ && waiting_for_history_->knob_version == version) {
                published_ = std::move(waiting_for_history_);
                waiting_for_history_.reset();
                if (!connected_once_) {
                    connected_once_ = true;
                    emit connected();
                }
            } else {
                fetch_history();
            }
        });
}

std::string RemoteEngineSession::apply_knobs(const Knobs& knobs, const std::string& origin) {
    if (!active_)
        return "not connected to a remote engine";
    if (std::string reason = validate(knobs); !reason.empty())
        return reason;
    // The API records its own origin ("api"); the console's word for it is only logged.
    qCInfo(lcConsole) << "remote engine: sending knobs from" << QString::fromStdString(origin);
    sent_knobs_ = knobs;
    send("PUT", QStringLiteral("/api/v1/knobs"),
         QJsonDocument(knobs_to_json(knobs)).toJson(QJsonDocument::Compact),
         [this](const QByteArray&) {
             emit knobsApplied();
             poll();  // show the engine's answer without waiting for the tick
         });
    return {};
}

std::optional<Knobs> RemoteEngineSession::knobs() const {
    if (sent_knobs_)
        return sent_knobs_;
    if (published_)
        return published_->knobs;
    return std::nullopt;
}

void RemoteEngineSession::request_drain() {
    if (!active_)
        return;
    send("POST", QStringLiteral("/api/v1/drain"), QByteArray("{}"),
         [this](const QByteArray&) { emit drainAccepted(); });
}

}  // namespace spillway
