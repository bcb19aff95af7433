#include "ui/profiles/connection_profile_manager.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QStringListModel>
#include <QVBoxLayout>

#include "ui/profiles/connection_profile_dialog.h"
#include "ui/widgets/theme.h"

namespace spillway {

ConnectionProfileManager::ConnectionProfileManager(QSettings* settings,
                                                   std::unique_ptr<SecretStore> secrets,
                                                   QWidget* parent)
    : QDialog(parent),
      store_(settings),
      secrets_(secrets ? std::move(secrets) : make_system_secret_store()),
      prompt_(dialog_password_prompt(this)),
      names_(new QStringListModel(this)),
      list_(new QListView),
      details_(new QLabel),
      status_(new QLabel),
      connect_button_(new QPushButton(tr("Connect"))),
      edit_button_(new QPushButton(tr("Edit…"))),
      delete_button_(new QPushButton(tr("Delete"))) {
    setObjectName(QStringLiteral("dialog_connection_profiles"));
    setWindowTitle(tr("Connection profiles"));
    list_->setObjectName(QStringLiteral("list_profiles"));
    connect_button_->setObjectName(QStringLiteral("button_connect_profile"));
    status_->setObjectName(QStringLiteral("label_profiles_status"));
    list_->setModel(names_);
    list_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    details_->setWordWrap(true);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status_->setWordWrap(true);
    status_->hide();

    auto* new_button = new QPushButton(tr("New…"));
    new_button->setObjectName(QStringLiteral("button_new_profile"));
    auto* side = new QVBoxLayout;
    side->addWidget(new_button);
    side->addWidget(edit_button_);
    side->addWidget(delete_button_);
    side->addStretch(1);
    auto* top = new QHBoxLayout;
    top->addWidget(list_, 1);
    top->addLayout(side);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(connect_button_, QDialogButtonBox::AcceptRole);
    connect_button_->setDefault(true);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top, 1);
    layout->addWidget(details_);
    layout->addWidget(status_);
    layout->addWidget(buttons);
    resize(560, 380);

    connect(new_button, &QPushButton::clicked, this, [this] { openEditor(); });
    connect(edit_button_, &QPushButton::clicked, this, [this] { openEditor(selectedName()); });
    connect(delete_button_, &QPushButton::clicked, this, [this] {
        const QString name = selectedName();
        if (!name.isEmpty() &&
            QMessageBox::question(
                this, tr("Delete profile"),
                tr("Delete the profile \"%1\" and its stored passwords?").arg(name)) ==
                QMessageBox::Yes)
            removeProfile(name);
    });
    connect(connect_button_, &QPushButton::clicked, this, [this] { activate(selectedName()); });
    connect(list_, &QListView::doubleClicked, this, [this] { activate(selectedName()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    reload();
    select(store_.last_used());
}

ConnectionProfileManager::~ConnectionProfileManager() = default;

void ConnectionProfileManager::reload() {
    const QString selected = selectedName();
    names_->setStringList(store_.names());
    connect(list_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ConnectionProfileManager::update_details, Qt::UniqueConnection);
    select(selected.isEmpty() && names_->rowCount() > 0 ? names_->index(0).data().toString()
                                                        : selected);
    update_details();
}

void ConnectionProfileManager::select(const QString& name) {
    const int row = int(names_->stringList().indexOf(name));
    if (row >= 0)
        list_->setCurrentIndex(names_->index(row));
}

QString ConnectionProfileManager::selectedName() const {
    return list_->currentIndex().isValid() ? list_->currentIndex().data().toString() : QString();
}

void ConnectionProfileManager::update_details() {
    const std::optional<ConnectionProfile> profile = store_.load(selectedName());
    details_->setText(profile ? profile->describe()
                              : tr("No profile yet: create one with New…, or use the embedded "
                                   "demo."));
    for (QPushButton* button : {connect_button_, edit_button_, delete_button_})
        button->setEnabled(profile.has_value());
}

void ConnectionProfileManager::set_status(const QString& text, bool ok) {
    status_->setText(text);
    QPalette palette = status_->palette();
    palette.setColor(QPalette::WindowText, ok ? theme::muted_text(palette)
                                              : theme::tone_color(theme::Tone::Bad, palette));
    status_->setPalette(palette);
    status_->setVisible(!text.isEmpty());
}

ConnectionProfileDialog* ConnectionProfileManager::openEditor(const QString& name) {
    std::optional<ConnectionProfile> existing;
    if (!name.isEmpty()) {
        existing = store_.load(name);
        if (!existing)
            return nullptr;
    }
    auto* editor = new ConnectionProfileDialog(store_, *secrets_, existing, this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(editor, &ConnectionProfileDialog::saved, this,
            [this](const ConnectionProfile& saved, const QString& note) {
                reload();
                select(saved.name);
                set_status(note.isEmpty() ? tr("Saved \"%1\".").arg(saved.name) : note, true);
            });
    editor->open();
    return editor;
}

void ConnectionProfileManager::removeProfile(const QString& name) {
    secrets_->remove(secret_key(name, "kafka"));
    secrets_->remove(secret_key(name, "kafka_ssl_key"));
    secrets_->remove(secret_key(name, "postgres"));
    secrets_->remove(secret_key(name, "api_token"));
    store_.remove(name);
    reload();
    set_status(tr("Deleted \"%1\".").arg(name), true);
}

void ConnectionProfileManager::activate(const QString& name) {
    const std::optional<ConnectionProfile> profile = store_.load(name);
    if (!profile)
        return;
    QPointer<ConnectionProfileManager> guard(this);
    resolve_secrets(*secrets_, *profile, prompt_,
                    [guard](std::optional<ConnectionProfile> resolved, const QString& problem) {
                        if (!guard)
                            return;
                        if (!resolved) {
                            guard->set_status(problem, false);
                            return;
                        }
                        guard->store_.set_last_used(resolved->name);
                        emit guard->profileActivated(*resolved);
                        guard->accept();
                    });
}

}  // namespace spillway
