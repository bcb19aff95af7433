#include "support/http_client.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpSocket>

namespace spillway::test {

HttpReply http_request(quint16 port, const QByteArray& method, const QByteArray& target,
                       const QByteArray& body, const QByteArray& token, int timeout_ms) {
    HttpReply reply;
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeout_ms)) {
        reply.error = "connect: " + socket.errorString();
        return reply;
    }
    QByteArray request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.isEmpty())
        request += "Authorization: Bearer " + token + "\r\n";
    if (!body.isEmpty() || method == "PUT" || method == "POST")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "\r\n" + body;
    socket.write(request);
    QByteArray response;
    QElapsedTimer timer;
    timer.start();
    while (socket.state() == QAbstractSocket::ConnectedState && timer.elapsed() < timeout_ms) {
        if (socket.waitForReadyRead(100))
            response += socket.readAll();
    }
    response += socket.readAll();
    const qsizetype end = response.indexOf("\r\n\r\n");
    if (end < 0) {
        reply.error = "no complete answer: " + QString::fromUtf8(response.left(200));
        return reply;
    }
    const QList<QByteArray> lines = response.left(end).split('\n');
    reply.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            reply.headers[lines[i].left(colon).trimmed().toLower()] = lines[i].mid(colon + 1).trimmed();
    }
    reply.body = response.mid(end + 4);
    return reply;
}

}  // namespace spillway::test
