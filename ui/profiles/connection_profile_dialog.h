#pragma once
// The profile editor: Kafka (bootstrap servers, topic, group, SASL, TLS files) and PostgreSQL
// (host, port, database, user, SSL mode and certificate files), passwords typed but never saved in
// the settings, and "Test connection", which tries both off the GUI thread and says what failed and
// where. A profile of kind "remote engine" has instead the engine's control API address and token;
// its test asks the API for the engine's status.
#include <QDialog>
#include <optional>
#include <thread>
#include <vector>

#include "ui/session/connection_profile.h"
#include "ui/session/connection_profile_check.h"

class QComboBox;
class QFormLayout;
class QGroupBox;
class QNetworkAccessManager;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace spillway {

class SecretStore;

class ConnectionProfileDialog : public QDialog {
    Q_OBJECT
public:
    // `existing`: the profile to edit (its passwords empty: typing one replaces the stored one).
    ConnectionProfileDialog(ConnectionProfileStore& store, SecretStore& secrets,
                            const std::optional<ConnectionProfile>& existing,
                            QWidget* parent = nullptr);
    ~ConnectionProfileDialog() override;  // waits for a test under way (bounded by its timeouts)

    ConnectionProfile profile() const;  // what the fields say, with the typed passwords
    void setProfile(const ConnectionProfile& profile);
    void testConnection();
    bool testing() const { return testing_; }
    // Validates and saves (passwords to the keychain or ask-each-time); accepts when done.
    void save();

    QLabel* kafkaResult() const { return kafka_result_; }
    QLabel* postgresResult() const { return postgres_result_; }
    QLabel* remoteResult() const { return remote_result_; }
    QLabel* problemLabel() const { return problem_; }
    QPushButton* testButton() const { return test_button_; }

signals:
    void tested(const ConnectionCheck& kafka, const ConnectionCheck& postgres);
    // The test of a remote engine profile is done.
    void remoteTested(const ConnectionCheck& engine);
    void saved(const ConnectionProfile& profile, const QString& note);

private:
    void show_result(QLabel* label, const ConnectionCheck& check);
    void update_security_fields();
    void update_kind();
    void test_remote_engine(const ConnectionProfile& profile);

    ConnectionProfileStore& store_;
    SecretStore& secrets_;
    bool editing_existing_;
    bool testing_ = false;
    std::thread test_thread_;

    QLineEdit* name_;
    QComboBox* kind_;
    QLineEdit* engine_url_;
    QLineEdit* api_token_;
    QGroupBox* kafka_box_;
    QGroupBox* pg_box_;
    QGroupBox* remote_box_;
    QNetworkAccessManager* network_ = nullptr;
    QLineEdit* bootstrap_;
    QLineEdit* topic_;
    QLineEdit* group_;
    QComboBox* protocol_;
    QComboBox* mechanism_;
    QLineEdit* sasl_user_;
    QLineEdit* kafka_password_;
    QLineEdit* kafka_ca_;
    QLineEdit* kafka_cert_;
    QLineEdit* kafka_key_;
    QLineEdit* kafka_key_password_;
    QLineEdit* pg_host_;
    QSpinBox* pg_port_;
    QLineEdit* pg_database_;
    QLineEdit* pg_user_;
    QLineEdit* pg_password_;
    QComboBox* pg_sslmode_;
    QLineEdit* pg_rootcert_;
    QLineEdit* pg_cert_;
    QLineEdit* pg_key_;
    QFormLayout* kafka_form_ = nullptr;
    QFormLayout* pg_form_ = nullptr;
    std::vector<QWidget*> kafka_tls_rows_;  // shown for ssl and sasl_ssl
    std::vector<QWidget*> pg_tls_rows_;     // hidden for sslmode disable
    QComboBox* payload_format_;
    QLabel* secrets_note_;
    QLabel* kafka_result_;
    QLabel* postgres_result_;
    QLabel* remote_result_;
    QFormLayout* results_ = nullptr;
    QLabel* problem_;
    QPushButton* test_button_;
    QPushButton* save_button_;
};

}  // namespace spillway
