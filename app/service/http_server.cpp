// The libmicrohttpd glue: one Exchange per request, created when the library has read the request
// line, admitted or refused on its head, given its body, handed to the handler, suspended until
// the handler answers (from any thread) and answered with Connection: close.
#include "app/service/http_server.h"
#include "core/common/errno_text.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <QLoggingCategory>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

Q_LOGGING_CATEGORY(lcHttp, "spillway.http", QtWarningMsg)

namespace spillway {

void split_request_target(const QByteArray& target, HttpRequest& request) {
    const qsizetype question = target.indexOf('?');
    request.path = question < 0 ? target : target.left(question);
    request.query = QUrlQuery();
    if (question >= 0)
        request.query.setQuery(QString::fromUtf8(target.mid(question + 1)));
}

namespace {

HttpResponse plain_error(int status, const QByteArray& message) {
    HttpResponse response;
    response.status = status;
    response.body = "{\"error\":\"" + message + "\"}";
    return response;
}

// One request on one connection. Fields after `connection` are guarded by State::mutex once the
// handler has the request.
struct Exchange {
    QByteArray target;  // as received, for the path and the query
    HttpRequest request;
    MHD_Connection* connection = nullptr;
    bool head_seen = false;
    bool dispatched = false;
    uint64_t max_body_bytes = 0;
    std::optional<HttpResponse> answer;
    bool suspended = false;
    bool finished = false;  // the library is done with the connection
};

}  // namespace

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
    HttpHandler handler;
    HttpAdmit admit;
    HttpServerLimits limits;
    MHD_Daemon* daemon = nullptr;
    std::mutex mutex;  // guards the answer side of every Exchange and `stopping`
    bool stopping = false;
    std::set<std::shared_ptr<Exchange>> suspended;
};

namespace {

using State = HttpServer::State;
using ExchangeHolder = std::shared_ptr<Exchange>;

MHD_Result queue(MHD_Connection* connection, const HttpResponse& answer) {
    MHD_Response* response = nullptr;
    if (answer.body_file >= 0)
        response = MHD_create_response_from_fd64(answer.file_size, answer.body_file);
    else
        response = MHD_create_response_from_buffer(size_t(answer.body.size()),
                                                   const_cast<char*>(answer.body.constData()),
                                                   MHD_RESPMEM_MUST_COPY);
    if (!response)
        return MHD_NO;  // the library closes the connection
    MHD_add_response_header(response, "Content-Type", answer.content_type.constData());
    MHD_add_response_header(response, "Connection", "close");
    MHD_add_response_header(response, "Cache-Control", "no-store");
    for (const auto& [name, value] : answer.headers)
        MHD_add_response_header(response, name.constData(), value.constData());
    const MHD_Result result =
        MHD_queue_response(connection, static_cast<unsigned>(answer.status), response);
    MHD_destroy_response(response);
    return result;
}

MHD_Result collect_header(void* cls, MHD_ValueKind, const char* key, const char* value) {
    auto* request = static_cast<HttpRequest*>(cls);
    request->headers[QByteArray(key).toLower()] = QByteArray(value ? value : "").trimmed();
    return MHD_YES;
}

void* on_request_line(void*, const char* uri, MHD_Connection* connection) {
    auto* holder = new ExchangeHolder(std::make_shared<Exchange>());
    (*holder)->target = QByteArray(uri ? uri : "");
    (*holder)->connection = connection;
    return holder;
}

void on_completed(void* cls, MHD_Connection*, void** req_cls, MHD_RequestTerminationCode) {
    auto* holder = static_cast<ExchangeHolder*>(*req_cls);
    if (!holder)
        return;
    {
        std::lock_guard lock(static_cast<State*>(cls)->mutex);
        (*holder)->finished = true;
    }
    delete holder;
    *req_cls = nullptr;
}

void log_from_library(void*, const char* format, va_list arguments) {
    char text[512];
    std::vsnprintf(text, sizeof text, format, arguments);
    qCWarning(lcHttp) << "libmicrohttpd:" << QByteArray(text).trimmed();
}

// The head is known: refuse at once or say how much body to read.
std::optional<HttpResponse> admit_head(State& state, Exchange& exchange, const char* method) {
    HttpRequest& request = exchange.request;
    request.method = method;
    split_request_target(exchange.target, request);
    MHD_get_connection_values(exchange.connection, MHD_HEADER_KIND, collect_header, &request);
    if (!request.header("transfer-encoding").isEmpty())
        return plain_error(501, "only Content-Length bodies are supported");
    uint64_t length = 0;
    if (const QByteArray text = request.header("content-length"); !text.isEmpty()) {
        bool ok = false;
        length = text.toULongLong(&ok);
        if (!ok)
            return plain_error(400, "bad Content-Length");
    }
    HttpAdmission admission;
    try {
        admission = state.admit(request);
    } catch (const std::exception&) {
        return plain_error(500, "cannot admit the request");
    }
    if (length > admission.max_body_bytes)
        return plain_error(413, "request body over " +
                                    QByteArray::number(qulonglong(admission.max_body_bytes)) +
                                    " bytes for this route");
    if (admission.refusal)
        return admission.refusal;
    exchange.max_body_bytes = admission.max_body_bytes;
    return std::nullopt;
}

MHD_Result on_access(void* cls, MHD_Connection* connection, const char*, const char* method,
                     const char*, const char* upload_data, size_t* upload_data_size,
                     void** req_cls) {
    auto& state = *static_cast<State*>(cls);
    if (!*req_cls)
        *req_cls = on_request_line(nullptr, "", connection);
    const ExchangeHolder exchange = *static_cast<ExchangeHolder*>(*req_cls);
    exchange->connection = connection;
    if (!exchange->head_seen) {
        exchange->head_seen = true;
        if (auto refusal = admit_head(state, *exchange, method))
            return queue(connection, *refusal);
        return MHD_YES;  // the library reads the body next (if any) and calls again
    }
    if (*upload_data_size > 0) {
        if (uint64_t(exchange->request.body.size()) + *upload_data_size > exchange->max_body_bytes)
            return MHD_NO;  // more than Content-Length said: the library drops the connection
        exchange->request.body.append(upload_data, qsizetype(*upload_data_size));
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (!exchange->dispatched) {
        exchange->dispatched = true;
        std::weak_ptr<Exchange> weak = exchange;
        std::weak_ptr<State> weak_state = state.weak_from_this();
        state.handler(exchange->request, [weak, weak_state](HttpResponse response) {
            // The connection may be gone (the client hung up) or the server stopped: then the
            // answer is dropped.
            const ExchangeHolder target = weak.lock();
            const std::shared_ptr<State> shared = weak_state.lock();
            if (!target || !shared)
                return;
            std::lock_guard lock(shared->mutex);
            if (target->finished || target->answer || shared->stopping)
                return;
            target->answer = std::move(response);
            if (target->suspended) {
                target->suspended = false;
                shared->suspended.erase(target);
                MHD_resume_connection(target->connection);
            }
        });
    }
    std::unique_lock lock(state.mutex);
    if (!exchange->answer && state.stopping)
        exchange->answer = plain_error(503, "the server is stopping");
    if (!exchange->answer) {
        // Answered later from another thread; a suspended connection does not time out.
        exchange->suspended = true;
        state.suspended.insert(exchange);
        MHD_suspend_connection(connection);
        return MHD_YES;
    }
    const HttpResponse answer = std::move(*exchange->answer);
    lock.unlock();
    return queue(connection, answer);
}

}  // namespace

HttpServer::HttpServer(HttpHandler handler, HttpAdmit admit, HttpServerLimits limits)
    : state_(std::make_shared<State>()) {
    state_->handler = std::move(handler);
    state_->admit = std::move(admit);
    state_->limits = limits;
}

HttpServer::~HttpServer() {
    if (!state_->daemon)
        return;
    {
        // The library cannot stop with suspended connections: answer them first.
        std::lock_guard lock(state_->mutex);
        state_->stopping = true;
        for (const auto& exchange : state_->suspended) {
            exchange->answer = plain_error(503, "the server is stopping");
            exchange->suspended = false;
            MHD_resume_connection(exchange->connection);
        }
        state_->suspended.clear();
    }
    MHD_stop_daemon(state_->daemon);
    state_->daemon = nullptr;
}

void HttpServer::start(const QHostAddress& address, quint16 port) {
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    const sockaddr* bind_to = nullptr;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        const Q_IPV6ADDR bytes = address.toIPv6Address();
        std::memcpy(&v6.sin6_addr, bytes.c, sizeof bytes.c);
        bind_to = reinterpret_cast<const sockaddr*>(&v6);
        flags |= MHD_USE_IPv6;
    } else {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        v4.sin_addr.s_addr = htonl(address.toIPv4Address());
        bind_to = reinterpret_cast<const sockaddr*>(&v4);
    }
    const HttpServerLimits& limits = state_->limits;
    State* state = state_.get();
    state_->daemon =
        MHD_start_daemon(flags, port, nullptr, nullptr, &on_access, state,                        //
                         MHD_OPTION_SOCK_ADDR, bind_to,                                           //
                         MHD_OPTION_CONNECTION_LIMIT, limits.max_connections,                     //
                         MHD_OPTION_PER_IP_CONNECTION_LIMIT, limits.max_connections_per_address,  //
                         MHD_OPTION_CONNECTION_TIMEOUT, limits.idle_timeout_s,                    //
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, limits.max_head_bytes,               //
                         MHD_OPTION_URI_LOG_CALLBACK, &on_request_line, nullptr,                  //
                         MHD_OPTION_NOTIFY_COMPLETED, &on_completed, state,                       //
                         MHD_OPTION_EXTERNAL_LOGGER, &log_from_library, nullptr,                  //
                         MHD_OPTION_END);
    if (!state_->daemon)
        throw std::runtime_error("cannot listen on " + address.toString().toStdString() + ":" +
                                 std::to_string(port) + ": " + errno_text());
    const MHD_DaemonInfo* info = MHD_get_daemon_info(state_->daemon, MHD_DAEMON_INFO_BIND_PORT);
    port_ = info ? info->port : port;
}

}  // namespace spillway
