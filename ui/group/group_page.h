#pragma once
// The group view: every saved "remote engine" profile's engine side by side (state, assigned
// partitions, throughput, lag, queue, latency), to watch the instances of one consumer group
// share a topic and take over from one another. Tokens come from the keychain or a prompt, as
// when connecting.
#include <QWidget>
#include <memory>

#include "ui/profiles/connection_profile_secrets.h"

class QLabel;
class QPushButton;
class QSettings;
class QTableView;

namespace spillway {

class GroupInstancesModel;

class GroupPage : public QWidget {
    Q_OBJECT
public:
    // settings: null for the application's QSettings. secrets: null for the system keychain.
    explicit GroupPage(QSettings* settings = nullptr,
                       std::unique_ptr<SecretStore> secrets = nullptr, QWidget* parent = nullptr);
    ~GroupPage() override;

    void setPasswordPrompt(PasswordPrompt prompt) { prompt_ = std::move(prompt); }
    GroupInstancesModel* model() const { return model_; }

    // Watches every saved remote-engine profile (replacing what was watched).
    void watchRemoteProfiles();

private:
    void update_note();

    ConnectionProfileStore store_;
    std::unique_ptr<SecretStore> secrets_;
    PasswordPrompt prompt_;
    GroupInstancesModel* model_;
    QTableView* table_;
    QLabel* note_;
    QPushButton* watch_button_;
};

}  // namespace spillway
