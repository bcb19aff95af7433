#pragma once
// A small HTTP/1.1 server on QTcpServer, in its own thread, for /metrics and the control API.
// Chosen over QHttpServer (Qt 6.4: a technology preview whose API changed in 6.5, one more
// package) because what we need is small and we want its limits in our hands: one request per
// connection (Connection: close), a 64 KiB header limit, a 16 MiB body limit, Content-Length
// bodies only, 64 connections at most, 30 s per request. Handlers run on the server thread and
// may answer later from any thread (the dead-letter operations answer from their worker).
#include <QByteArray>
#include <QHostAddress>
#include <QThread>
#include <QUrlQuery>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace spillway {

struct HttpRequest {
    QByteArray method;  // GET, PUT, POST, ...
    QByteArray path;    // without the query, percent-encoding kept
    QUrlQuery query;
    std::map<QByteArray, QByteArray> headers;  // names in lower case
    QByteArray body;

    QByteArray header(const QByteArray& lower_case_name) const {
        const auto it = headers.find(lower_case_name);
        return it == headers.end() ? QByteArray() : it->second;
    }
};

struct HttpResponse {
    int status = 200;
    QByteArray content_type = "application/json";
    QByteArray body;
    std::map<QByteArray, QByteArray> headers;  // extra headers
};

// Call exactly once, from any thread.
using HttpResponder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(const HttpRequest&, HttpResponder)>;

class HttpServer {
public:
    static constexpr qsizetype kMaxHeaderBytes = qsizetype{64} * 1024;
    static constexpr qsizetype kMaxBodyBytes = qsizetype{16} * 1024 * 1024;
    static constexpr int kMaxConnections = 64;
    static constexpr int kRequestTimeoutMs = 30000;

    explicit HttpServer(HttpHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Listens in the server thread; throws std::runtime_error naming the address on failure.
    void start(const QHostAddress& address, quint16 port);
    quint16 port() const { return port_; }

private:
    class Listener;
    HttpHandler handler_;
    QThread thread_;
    Listener* listener_ = nullptr;  // lives in thread_
    quint16 port_ = 0;
};

const char* http_reason_phrase(int status);

}  // namespace spillway
