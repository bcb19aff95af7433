#pragma once
// The profile editor: Kafka (bootstrap servers, topic, group, security) and PostgreSQL (host,
// port, database, user, SSL mode), passwords typed but never saved in the settings, and "Test
// connection", which tries both off the GUI thread and says what failed and where.
#include <QDialog>
#include <optional>
#include <thread>

#include "ui/connection_profile.h"
#include "ui/connection_profile_check.h"

class QComboBox;
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
    QLabel* problemLabel() const { return problem_; }
    QPushButton* testButton() const { return test_button_; }

signals:
    void tested(const ConnectionCheck& kafka, const ConnectionCheck& postgres);
    void saved(const ConnectionProfile& profile, const QString& note);

private:
    void show_result(QLabel* label, const ConnectionCheck& check);
    void update_security_fields();

    ConnectionProfileStore& store_;
    SecretStore& secrets_;
    bool editing_existing_;
    bool testing_ = false;
    std::thread test_thread_;

    QLineEdit* name_;
    QLineEdit* bootstrap_;
    QLineEdit* topic_;
    QLineEdit* group_;
    QComboBox* protocol_;
    QComboBox* mechanism_;
    QLineEdit* sasl_user_;
    QLineEdit* kafka_password_;
    QLineEdit* pg_host_;
    QSpinBox* pg_port_;
    QLineEdit* pg_database_;
    QLineEdit* pg_user_;
    QLineEdit* pg_password_;
    QComboBox* pg_sslmode_;
    QComboBox* payload_format_;
    QLabel* secrets_note_;
    QLabel* kafka_result_;
    QLabel* postgres_result_;
    QLabel* problem_;
    QPushButton* test_button_;
    QPushButton* save_button_;
};

}  // namespace spillway
