#pragma once
// A private PostgreSQL that speaks TLS, for the tests of --pg-sslmode and the console's
// connection profiles: the openssl tool makes a CA, a server certificate for 127.0.0.1 and
// localhost signed by it, a client certificate for the role `tls_client`, and a second, unrelated
// CA. The server accepts TLS and plain connections from 127.0.0.1; `tls_client` must connect over
// TLS with a client certificate whose name is its own (clientcert=verify-full). Main thread only
// (EmbeddedPostgres ties the server to the thread that starts it).
#include <memory>
#include <string>

#include "core/demo/embedded_postgres.h"

namespace spillway::test {

struct TestCertificates {
    std::string ca_cert;        // the CA that signed the server and client certificates
    std::string other_ca_cert;  // a CA that signed neither
    std::string client_cert;    // CN=tls_client, signed by ca_cert
    std::string client_key;     // mode 0600, as libpq insists
    std::string server_cert;    // CN=localhost, subjectAltName IP:127.0.0.1, DNS:localhost
    std::string server_key;
};

// Makes the certificates and keys in `dir` with the openssl tool. Throws std::runtime_error with
// openssl's output when a step fails.
TestCertificates make_test_certificates(const std::string& dir);

class TlsPostgres {
public:
    static constexpr const char* kClientRole = "tls_client";

    // Makes the certificates in `dir` and starts the server (throws what either throws).
    explicit TlsPostgres(const std::string& dir);

    const TestCertificates& certificates() const { return certificates_; }
    EmbeddedPostgres& server() { return *server_; }
    // host, port, dbname and user (the superuser), no TLS parameters.
    std::string conninfo() const { return server_->conninfo(); }
    int port() const { return server_->port(); }
    std::string database() const { return "spillway"; }

private:
    TestCertificates certificates_;
    std::unique_ptr<EmbeddedPostgres> server_;
};

}  // namespace spillway::test
