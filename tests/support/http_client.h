#pragma once
// A blocking HTTP/1.1 client for tests: one request per connection, as the service answers.
#include <QByteArray>
#include <QString>
#include <map>

namespace spillway::test {

struct HttpReply {
    int status = 0;  // 0: no answer (connection refused, timeout, unparsable)
    std::map<QByteArray, QByteArray> headers;  // names in lower case
    QByteArray body;
    QString error;
};

HttpReply http_request(quint16 port, const QByteArray& method, const QByteArray& target,
                       const QByteArray& body = {}, const QByteArray& token = {},
                       int timeout_ms = 30000);

}  // namespace spillway::test
