#include "ui/session/remote_engine_api.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>

namespace spillway {

namespace {

// What an HTTP status means for the person reading the status bar.
QString explain_status(int status) {
    switch (status) {
        case 401:
            return QObject::tr("no or wrong token");
        case 404:
            return QObject::tr("no such route: is this a Spillway control API?");
        case 503:
            return QObject::tr("the engine is not running");
        default:
            return {};
    }
}

}  // namespace

QUrl api_url(const QUrl& base, const QString& path) {
    QUrl url = base;
    QString prefix = url.path();
    while (prefix.endsWith(u'/'))
        prefix.chop(1);
    url.setPath(prefix + path);
    return url;
}

QNetworkRequest api_request(const QUrl& url, const QString& token,
                            std::chrono::milliseconds timeout) {
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + token.trimmed().toUtf8());
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(int(timeout.count()));
    return request;
}

QString api_error_text(const QByteArray& body) {
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isObject() && document.object().value(QStringLiteral("error")).isString())
        return document.object().value(QStringLiteral("error")).toString();
    return QString::fromUtf8(body.left(200)).simplified();
}

QString describe_api_failure(const QByteArray& method, const QUrl& url, int http_status,
                             const QString& network_error, const QByteArray& body) {
    QString problem = QStringLiteral("%1 %2: ").arg(QString::fromLatin1(method), url.toString());
    if (http_status == 0)
        return problem + network_error;
    problem += QStringLiteral("HTTP %1").arg(http_status);
    if (const QString meaning = explain_status(http_status); !meaning.isEmpty())
        problem += QStringLiteral(" (%1)").arg(meaning);
    if (const QString detail = api_error_text(body); !detail.isEmpty())
        problem += QStringLiteral(": ") + detail;
    return problem;
}

void probe_remote_engine(QNetworkAccessManager& network, const QUrl& base, const QString& token,
                         QObject* context, const std::function<void(const ConnectionCheck&)>& done,
                         std::chrono::milliseconds timeout) {
    const QUrl url = api_url(base, QStringLiteral("/api/v1/status"));
    QNetworkReply* reply = network.get(api_request(url, token, timeout));
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, url, done] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        ConnectionCheck check;
        if (reply->error() != QNetworkReply::NoError || status != 200) {
            check.message = describe_api_failure("GET", url, status, reply->errorString(), body);
            done(check);
            return;
        }
        const QJsonObject answer = QJsonDocument::fromJson(body).object();
        const auto text = [&answer](const char* key) {
            const QJsonValue value = answer.value(QLatin1String(key));
            return value.isString() ? value.toString() : value.toVariant().toString();
        };
        check.ok = true;
        check.message =
            QObject::tr("Spillway %1 at %2: engine %3, topic %4, group %5")
                .arg(text("version"), url.authority(), text("state"), text("topic"), text("group"));
        done(check);
    });
}

}  // namespace spillway
