#pragma once
// Requests to a remote engine's control API (`spillway --headless --listen ...`): how they are
// built (bearer token header, JSON, a timeout) and how a failure reads for a person, naming the
// method, the URL and the HTTP status. The token travels only in the header: URLs shown in the
// console and the log never hold it.
#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>
#include <chrono>
#include <functional>

#include "ui/session/connection_profile_check.h"

class QNetworkAccessManager;
class QNetworkReply;
class QObject;

namespace spillway {

// `base` (http://host:port, perhaps with a path prefix) joined with an API path ("/api/v1/...").
QUrl api_url(const QUrl& base, const QString& path);
QNetworkRequest api_request(const QUrl& url, const QString& token,
                            std::chrono::milliseconds timeout);

// The server's {"error": "..."} when it sent one, else the start of the body.
QString api_error_text(const QByteArray& body);
// "GET http://127.0.0.1:9464/api/v1/snapshot: HTTP 401 (no or wrong token): <server's words>",
// or with the network error ("Connection refused") when no HTTP answer came.
QString describe_api_failure(const QByteArray& method, const QUrl& url, int http_status,
                             const QString& network_error, const QByteArray& body);

// "Test connection" for a remote engine profile: GET /api/v1/status. `done` runs on `context`'s
// thread, unless `context` is gone by then.
void probe_remote_engine(QNetworkAccessManager& network, const QUrl& base, const QString& token,
                         QObject* context, const std::function<void(const ConnectionCheck&)>& done,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace spillway
