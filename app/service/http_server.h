#pragma once
// The HTTP server for /metrics and the control API: GNU libmicrohttpd (Debian's libmicrohttpd12)
// with its own polling thread. The library bounds connections (in all and per client address),
// drops idle connections, bounds the request head (its per-connection memory pool) and shows us
// the head before any body byte is read: `admit` refuses a request (a missing token, a body over
// the route's limit) there, so an unauthenticated client never makes the process buffer a body.
// One request per connection (Connection: close), as before.
//
// Handlers run on the server's thread and may answer later from any thread (the dead-letter
// operations answer from their worker); while a request waits for its answer the connection is
// suspended, and a suspended connection never times out, so a slow operation is not answered
// with 408 while it goes on.
#include <QByteArray>
#include <QHostAddress>
#include <QUrlQuery>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>

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

// The request target split as the control API reads it: path (percent-encoding kept) and query.
void split_request_target(const QByteArray& target, HttpRequest& request);

struct HttpResponse {
    int status = 200;
    QByteArray content_type = "application/json";
    QByteArray body;
    std::map<QByteArray, QByteArray> headers;  // extra headers
    // When >= 0, the body is this file from its current offset, `file_size` bytes, sent by the
    // server without reading it into memory; the server closes it.
    int body_file = -1;
    uint64_t file_size = 0;
};

// Call exactly once, from any thread.
using HttpResponder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(const HttpRequest&, HttpResponder)>;

// What the server does with a request whose head (method, target, headers; no body) is known.
struct HttpAdmission {
    std::optional<HttpResponse> refusal;  // answered at once; the body is never read
    uint64_t max_body_bytes = 0;          // a longer Content-Length is refused with 413
};
using HttpAdmit = std::function<HttpAdmission(const HttpRequest& head)>;

struct HttpServerLimits {
    unsigned max_connections = 64;
    // One client address may hold at most this many: slow clients from one host cannot take
    // every slot (and /metrics) from the others.
    unsigned max_connections_per_address = 16;
    unsigned idle_timeout_s = 30;       // no byte received or sent for this long: closed
    size_t max_head_bytes = size_t{64} * 1024;  // request line and headers (431 beyond)
};

class HttpServer {
public:
    HttpServer(HttpHandler handler, HttpAdmit admit, HttpServerLimits limits = {});
    ~HttpServer();  // answers waiting requests with 503, then stops
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Listens in the server thread; throws std::runtime_error naming the address on failure.
    void start(const QHostAddress& address, quint16 port);
    quint16 port() const { return port_; }

    struct State;  // shared with the responders handed out (defined in http_server.cpp)

private:
    std::shared_ptr<State> state_;
    quint16 port_ = 0;
};

}  // namespace spillway
