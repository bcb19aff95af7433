#include "service/http_server.h"

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <sys/socket.h>
#include <stdexcept>

namespace spillway {

const char* http_reason_phrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 202:
        return "Accepted";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Payload Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

namespace {

HttpResponse plain_error(int status, const QByteArray& message) {
    HttpResponse response;
    response.status = status;
    response.body = "{\"error\":\"" + message + "\"}";
    return response;
}

// One connection: reads one request, hands it to the handler, writes the answer, closes.
class Connection : public QObject {
public:
    Connection(QTcpSocket* socket, const HttpHandler& handler, int& open_connections)
        : QObject(socket), socket_(socket), handler_(handler), open_(open_connections) {
        ++open_;
        QObject::connect(socket_, &QTcpSocket::readyRead, this, [this] { on_ready_read(); });
        QObject::connect(socket_, &QTcpSocket::disconnected, socket_, &QObject::deleteLater);
        timeout_.setSingleShot(true);
        QObject::connect(&timeout_, &QTimer::timeout, this, [this] {
            if (!answered_)
                send(plain_error(408, "request not complete within 30 s"));
        });
        timeout_.start(HttpServer::kRequestTimeoutMs);
    }
    ~Connection() override { --open_; }

    void send(const HttpResponse& response) {
        if (answered_)
            return;
        answered_ = true;
        timeout_.stop();
        QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + " " +
                          http_reason_phrase(response.status) +
                          "\r\nContent-Type: " + response.content_type +
                          "\r\nContent-Length: " + QByteArray::number(response.body.size()) +
                          "\r\nConnection: close\r\nCache-Control: no-store\r\n";
        for (const auto& [name, value] : response.headers)
            head += name + ": " + value + "\r\n";
        socket_->write(head + "\r\n");
        if (request_.method != "HEAD")
            socket_->write(response.body);
        QObject::connect(socket_, &QTcpSocket::bytesWritten, this, [this] {
            if (socket_->bytesToWrite() == 0)
                half_close();
        });
        if (socket_->bytesToWrite() == 0)
            half_close();
    }

private:
    // Closing a socket with unread request bytes (a refused oversized request) makes the kernel
    // reset the connection, and the client may lose our answer. So: send FIN once the answer is
    // out, keep reading (and dropping) until the client closes, and abort after a grace period.
    void half_close() {
        if (half_closed_)
            return;
        half_closed_ = true;
        ::shutdown(static_cast<int>(socket_->socketDescriptor()), SHUT_WR);
        QTimer::singleShot(5000, this, [this] { socket_->abort(); });
    }

    void on_ready_read() {
        if (answered_ || dispatched_) {
            socket_->readAll();
            return;
        }
        buffer_ += socket_->readAll();
        if (!head_parsed_) {
            const qsizetype end = buffer_.indexOf("\r\n\r\n");
            if (end > HttpServer::kMaxHeaderBytes ||
                (end < 0 && buffer_.size() > HttpServer::kMaxHeaderBytes)) {
                send(plain_error(431, "request head over 64 KiB"));
                return;
            }
            if (end < 0)
                return;
            if (!parse_head(buffer_.left(end)))
                return;
            buffer_.remove(0, end + 4);
            head_parsed_ = true;
        }
        if (buffer_.size() < body_length_)
            return;
        request_.body = buffer_.left(body_length_);
        dispatched_ = true;
        QPointer<Connection> self(this);
        handler_(request_, [self](HttpResponse response) {
            // The connection may be gone (client hung up): then the answer is dropped.
            QMetaObject::invokeMethod(
                self.data(),
                [self, response = std::move(response)] {
                    if (self)
                        self->send(response);
                },
                Qt::QueuedConnection);
        });
    }

    bool parse_head(const QByteArray& head) {
        const QList<QByteArray> lines = head.split('\n');
        const QList<QByteArray> request_line = lines.value(0).trimmed().split(' ');
        if (request_line.size() != 3 || !request_line[2].startsWith("HTTP/1.")) {
            send(plain_error(400, "malformed request line"));
            return false;
        }
        request_.method = request_line[0];
        const QByteArray target = request_line[1];
        const qsizetype question = target.indexOf('?');
        request_.path = question < 0 ? target : target.left(question);
        if (question >= 0)
            request_.query.setQuery(QString::fromUtf8(target.mid(question + 1)));
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0) {
                send(plain_error(400, "malformed header line"));
                return false;
            }
            request_.headers[line.left(colon).trimmed().toLower()] = line.mid(colon + 1).trimmed();
        }
        if (!request_.header("transfer-encoding").isEmpty()) {
            send(plain_error(501, "only Content-Length bodies are supported"));
            return false;
        }
        const QByteArray length = request_.header("content-length");
        if (!length.isEmpty()) {
            bool ok = false;
            body_length_ = length.toLongLong(&ok);
            if (!ok || body_length_ < 0) {
                send(plain_error(400, "bad Content-Length"));
                return false;
            }
            if (body_length_ > HttpServer::kMaxBodyBytes) {
                send(plain_error(413, "request body over 16 MiB"));
                return false;
            }
        }
        return true;
    }

    QTcpSocket* socket_;
    const HttpHandler& handler_;
    int& open_;
    QTimer timeout_;
    QByteArray buffer_;
    HttpRequest request_;
    qsizetype body_length_ = 0;
    bool head_parsed_ = false;
    bool dispatched_ = false;
    bool answered_ = false;
    bool half_closed_ = false;
};

}  // namespace

class HttpServer::Listener : public QObject {
public:
    explicit Listener(const HttpHandler& handler)
        : handler_(handler), server_(new QTcpServer(this)) {
        QObject::connect(server_, &QTcpServer::newConnection, this, [this] { accept(); });
    }
    // Connections (children of the server's sockets) count themselves out of open_ when deleted:
    // delete them while open_ still exists.
    ~Listener() override { delete server_; }
    bool listen(const QHostAddress& address, quint16 port, QString& error, quint16& bound) {
        if (!server_->listen(address, port)) {
            error = server_->errorString();
            return false;
        }
        bound = server_->serverPort();
        return true;
    }
    void close() { server_->close(); }

private:
    void accept() {
        while (QTcpSocket* socket = server_->nextPendingConnection()) {
            if (open_ >= kMaxConnections) {
                socket->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                              "Connection: close\r\n\r\n");
                socket->disconnectFromHost();
                QObject::connect(socket, &QTcpSocket::disconnected, socket,
                                 &QObject::deleteLater);
                continue;
            }
            new Connection(socket, handler_, open_);
        }
    }

    const HttpHandler& handler_;
    QTcpServer* server_;
    int open_ = 0;
};

HttpServer::HttpServer(HttpHandler handler) : handler_(std::move(handler)) {
    thread_.setObjectName("spillway-http");
}

HttpServer::~HttpServer() {
    if (listener_) {
        QMetaObject::invokeMethod(
            listener_,
            [this] {
                listener_->close();
                delete listener_;
            },
            Qt::BlockingQueuedConnection);
        listener_ = nullptr;
    }
    thread_.quit();
    thread_.wait();
}

void HttpServer::start(const QHostAddress& address, quint16 port) {
    thread_.start();
    listener_ = new Listener(handler_);
    listener_->moveToThread(&thread_);
    QString error;
    bool ok = false;
    QMetaObject::invokeMethod(
        listener_, [&] { ok = listener_->listen(address, port, error, port_); },
        Qt::BlockingQueuedConnection);
    if (!ok)
        throw std::runtime_error("cannot listen on " + address.toString().toStdString() + ":" +
                                 std::to_string(port) + ": " + error.toStdString());
}

}  // namespace spillway
