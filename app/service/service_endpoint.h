#pragma once
// What `--listen` starts next to a running engine: the HTTP server thread with /metrics and the
// control API, the token read from its owner-only file.
#include <functional>
#include <memory>
#include <string>

namespace spillway {

class Engine;
struct TierSnapshot;
class HttpServer;
class ControlApi;

struct ServiceEndpointOptions {
    std::string listen;          // ADDR:PORT (checked by the option parser)
    std::string api_token_file;  // empty: the /api/ routes answer 401
    std::string version;
    std::function<void()> request_drain;
    // The tiering service's latest look (null or unset: no tiering), shown by /metrics and status.
    std::function<std::shared_ptr<const TierSnapshot>()> tier_snapshot;
};

class ServiceEndpoint {
public:
    ServiceEndpoint(Engine& engine, ServiceEndpointOptions options);
    ~ServiceEndpoint();

    // Reads the token file (refused unless only its owner may read it) and starts listening.
    // Throws std::runtime_error naming the file or the address.
    void start();
    // The address actually bound, e.g. "127.0.0.1:9464" (the port is known after start()).
    std::string address() const;

private:
    Engine& engine_;
    ServiceEndpointOptions options_;
    std::unique_ptr<ControlApi> api_;
    std::unique_ptr<HttpServer> server_;
};

}  // namespace spillway
