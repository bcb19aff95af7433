#include "app/service/service_endpoint.h"

#include <QHostAddress>
#include <stdexcept>

#include "core/common/secrets.h"
#include "core/pipeline/engine.h"
#include "app/service/control_api.h"
#include "app/service/http_server.h"

namespace spillway {

ServiceEndpoint::ServiceEndpoint(Engine& engine, ServiceEndpointOptions options)
    : engine_(engine), options_(std::move(options)) {}

ServiceEndpoint::~ServiceEndpoint() {
    server_.reset();  // no request reaches the API once it is gone
    api_.reset();
}

void ServiceEndpoint::start() {
    ControlApiOptions api;
    if (!options_.api_token_file.empty()) {
        try {
            api.token = read_secret_file(options_.api_token_file, true);
        } catch (const std::exception& error) {
            throw std::runtime_error(std::string("--api-token-file: ") + error.what());
        }
    }
    api.version = options_.version;
    api.sink = engine_.options().sink;
    api.decoder = engine_.options().source.decoder;
    api.request_drain = options_.request_drain;
    api.tier_snapshot = options_.tier_snapshot;
    api_ = std::make_unique<ControlApi>(engine_, std::move(api));
    server_ = std::make_unique<HttpServer>(
        [api = api_.get()](const HttpRequest& request, const HttpResponder& respond) {
            api->handle(request, respond);
        },
        [api = api_.get()](const HttpRequest& head) { return api->admit(head); });
    const auto colon = options_.listen.rfind(':');
    QString host = QString::fromStdString(options_.listen.substr(0, colon)).remove('[').remove(']');
    if (host == "localhost")
        host = "127.0.0.1";
    const auto port = static_cast<quint16>(std::stoi(options_.listen.substr(colon + 1)));
    server_->start(QHostAddress(host), port);
}

std::string ServiceEndpoint::address() const {
    const auto colon = options_.listen.rfind(':');
    return options_.listen.substr(0, colon) + ":" + std::to_string(server_ ? server_->port() : 0);
}

}  // namespace spillway
