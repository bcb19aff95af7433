#include "ui/profiles/connection_profile_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/profiles/connection_profile_secrets.h"
#include "ui/session/remote_engine_api.h"
#include "ui/widgets/theme.h"

namespace spillway {

namespace {

QLabel* result_label(const char* object_name) {
    auto* label = new QLabel;
    label->setObjectName(QString::fromLatin1(object_name));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

// A file path field with a button that opens a file chooser: the row's widget.
QWidget* file_field(QLineEdit* edit, const char* object_name, const QString& title) {
    edit->setObjectName(QString::fromLatin1(object_name));
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto* browse = new QToolButton;
    browse->setObjectName(QString::fromLatin1(object_name) + QStringLiteral("_browse"));
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(title);
    layout->addWidget(browse);
    // A long path shows its end (the file name); the tooltip shows all of it.
    QObject::connect(edit, &QLineEdit::textChanged, edit,
                     [edit](const QString& text) { edit->setToolTip(text); });
    QObject::connect(browse, &QToolButton::clicked, edit, [edit, title] {
        const QString current = edit->text().trimmed();
        const QString start =
            current.isEmpty() ? QDir::homePath() : QFileInfo(current).absolutePath();
        const QString chosen = QFileDialog::getOpenFileName(
            edit->window(), title, start,
            QObject::tr("Certificates and keys (*.pem *.crt *.cer *.key);;All files (*)"));
        if (!chosen.isEmpty())
            edit->setText(chosen);
    });
    return row;
}

}  // namespace

ConnectionProfileDialog::ConnectionProfileDialog(ConnectionProfileStore& store,
                                                 SecretStore& secrets,
                                                 const std::optional<ConnectionProfile>& existing,
                                                 QWidget* parent)
    : QDialog(parent),
      store_(store),
      secrets_(secrets),
      editing_existing_(existing.has_value()),
      name_(new QLineEdit),
      kind_(new QComboBox),
      engine_url_(new QLineEdit),
      api_token_(new QLineEdit),
      kafka_box_(new QGroupBox(tr("Kafka"))),
      pg_box_(new QGroupBox(tr("PostgreSQL"))),
      remote_box_(new QGroupBox(tr("Remote engine"))),
      bootstrap_(new QLineEdit),
      topic_(new QLineEdit),
      group_(new QLineEdit),
      protocol_(new QComboBox),
      mechanism_(new QComboBox),
      sasl_user_(new QLineEdit),
      kafka_password_(new QLineEdit),
      kafka_ca_(new QLineEdit),
      kafka_cert_(new QLineEdit),
      kafka_key_(new QLineEdit),
      kafka_key_password_(new QLineEdit),
      pg_host_(new QLineEdit),
      pg_port_(new QSpinBox),
      pg_database_(new QLineEdit),
      pg_user_(new QLineEdit),
      pg_password_(new QLineEdit),
      pg_sslmode_(new QComboBox),
      pg_rootcert_(new QLineEdit),
      pg_cert_(new QLineEdit),
      pg_key_(new QLineEdit),
      payload_format_(new QComboBox),
      secrets_note_(new QLabel),
      kafka_result_(result_label("label_kafka_result")),
      postgres_result_(result_label("label_postgres_result")),
      remote_result_(result_label("label_remote_result")),
      problem_(result_label("label_profile_problem")),
      test_button_(new QPushButton(tr("Test connection"))),
      save_button_(new QPushButton(tr("Save"))) {
    setObjectName(QStringLiteral("dialog_connection_profile"));
    setWindowTitle(existing ? tr("Edit connection profile") : tr("New connection profile"));
    name_->setObjectName(QStringLiteral("edit_profile_name"));
    kind_->setObjectName(QStringLiteral("combo_profile_kind"));
    engine_url_->setObjectName(QStringLiteral("edit_engine_url"));
    api_token_->setObjectName(QStringLiteral("edit_api_token"));
    bootstrap_->setObjectName(QStringLiteral("edit_bootstrap_servers"));
    kafka_password_->setObjectName(QStringLiteral("edit_kafka_password"));
    kafka_key_password_->setObjectName(QStringLiteral("edit_kafka_key_password"));
    protocol_->setObjectName(QStringLiteral("combo_security_protocol"));
    mechanism_->setObjectName(QStringLiteral("combo_sasl_mechanism"));
    pg_sslmode_->setObjectName(QStringLiteral("combo_pg_sslmode"));
    pg_password_->setObjectName(QStringLiteral("edit_pg_password"));
    test_button_->setObjectName(QStringLiteral("button_test_connection"));
    save_button_->setObjectName(QStringLiteral("button_save_profile"));

    name_->setPlaceholderText(tr("e.g. production EU"));
    bootstrap_->setPlaceholderText(tr("host:9092,host2:9092"));
    kind_->addItem(tr("Kafka and PostgreSQL (the engine runs in this console)"),
                   int(ProfileKind::Pipeline));
    kind_->addItem(tr("Remote engine (a headless Spillway, through its control API)"),
                   int(ProfileKind::RemoteEngine));
    engine_url_->setPlaceholderText(tr("http://127.0.0.1:9464"));
    api_token_->setEchoMode(QLineEdit::Password);
    for (const char* protocol : {"plaintext", "ssl", "sasl_plaintext", "sasl_ssl"})
        protocol_->addItem(QString::fromLatin1(protocol));
    for (const char* mechanism : {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
        mechanism_->addItem(QString::fromLatin1(mechanism));
    pg_port_->setRange(1, 65535);
    for (const char* mode : {"disable", "prefer", "require", "verify-ca", "verify-full"})
        pg_sslmode_->addItem(QString::fromLatin1(mode));
    payload_format_->setObjectName(QStringLiteral("combo_payload_format"));
    payload_format_->addItem(tr("jsonb (queryable)"), QStringLiteral("jsonb"));
    payload_format_->addItem(tr("zstd (compressed, with a dictionary)"), QStringLiteral("zstd"));
    for (QLineEdit* password : {kafka_password_, kafka_key_password_, pg_password_})
        password->setEchoMode(QLineEdit::Password);
    kafka_ca_->setPlaceholderText(tr("PEM file; empty: the system's CAs"));
    pg_rootcert_->setPlaceholderText(tr("PEM file; empty: libpq's default"));
    for (QLineEdit* path : {kafka_cert_, kafka_key_, pg_cert_, pg_key_})
        path->setPlaceholderText(tr("PEM file; optional"));

    auto* kafka_form = new QFormLayout(kafka_box_);
    kafka_form_ = kafka_form;
    kafka_form->addRow(tr("Bootstrap servers"), bootstrap_);
    kafka_form->addRow(tr("Topic"), topic_);
    kafka_form->addRow(tr("Consumer group"), group_);
    kafka_form->addRow(tr("Security protocol"), protocol_);
    kafka_form->addRow(tr("SASL mechanism"), mechanism_);
    kafka_form->addRow(tr("SASL user"), sasl_user_);
    kafka_form->addRow(tr("SASL password"), kafka_password_);
    kafka_tls_rows_ = {
        file_field(kafka_ca_, "edit_kafka_ssl_ca", tr("Kafka CA file (ssl.ca.location)")),
        file_field(kafka_cert_, "edit_kafka_ssl_certificate",
                   tr("Kafka client certificate (ssl.certificate.location)")),
        file_field(kafka_key_, "edit_kafka_ssl_key", tr("Kafka client key (ssl.key.location)")),
        kafka_key_password_};
    kafka_form->addRow(tr("CA file"), kafka_tls_rows_[0]);
    kafka_form->addRow(tr("Client certificate"), kafka_tls_rows_[1]);
    kafka_form->addRow(tr("Client key"), kafka_tls_rows_[2]);
    kafka_form->addRow(tr("Key password"), kafka_tls_rows_[3]);

    auto* pg_form = new QFormLayout(pg_box_);
    pg_form_ = pg_form;
    auto* address = new QHBoxLayout;
    address->addWidget(pg_host_, 1);
    address->addWidget(new QLabel(tr("Port")));
    address->addWidget(pg_port_);
    pg_form->addRow(tr("Host"), address);
    pg_form->addRow(tr("Database"), pg_database_);
    pg_form->addRow(tr("User"), pg_user_);
    pg_form->addRow(tr("Password"), pg_password_);
    pg_form->addRow(tr("SSL mode"), pg_sslmode_);
    pg_tls_rows_ = {
        file_field(pg_rootcert_, "edit_pg_sslrootcert",
                   tr("PostgreSQL root certificate (sslrootcert)")),
        file_field(pg_cert_, "edit_pg_sslcert", tr("PostgreSQL client certificate (sslcert)")),
        file_field(pg_key_, "edit_pg_sslkey", tr("PostgreSQL client key (sslkey)"))};
    pg_form->addRow(tr("Root certificate"), pg_tls_rows_[0]);
    pg_form->addRow(tr("Client certificate"), pg_tls_rows_[1]);
    pg_form->addRow(tr("Client key"), pg_tls_rows_[2]);
    pg_form->addRow(tr("Payload storage"), payload_format_);

    auto* boxes = new QHBoxLayout;
    boxes->addWidget(kafka_box_, 1);
    boxes->addWidget(pg_box_, 1);
    boxes->addWidget(remote_box_, 1);
    auto* remote_form = new QFormLayout(remote_box_);
    remote_form->addRow(tr("Control API address"), engine_url_);
    remote_form->addRow(tr("API token"), api_token_);

    secrets_note_->setWordWrap(true);
    theme::set_tone(secrets_note_, theme::Tone::Neutral);
    secrets_note_->setText(
        built_with_keychain()
            ? tr("Passwords are kept in the system keychain, never in Spillway's settings file. "
                 "Without a keychain, Spillway asks for them each time you connect.")
            : tr("Passwords are not saved: Spillway asks for them each time you connect."));
    theme::set_tone(problem_, theme::Tone::Bad);
    problem_->hide();

    auto* results = new QFormLayout;
    results->addRow(tr("Kafka:"), kafka_result_);
    results->addRow(tr("PostgreSQL:"), postgres_result_);
    results->addRow(tr("Remote engine:"), remote_result_);
    results_ = results;

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    buttons->addButton(save_button_, QDialogButtonBox::AcceptRole);
    auto* button_row = new QHBoxLayout;
    button_row->addWidget(test_button_);  // apart from Save/Cancel: it does not close
    button_row->addStretch(1);
    button_row->addWidget(buttons);
    save_button_->setDefault(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Profile name"), name_);
    form->addRow(tr("Connects to"), kind_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(boxes);
    layout->addWidget(secrets_note_);
    layout->addLayout(results);
    layout->addWidget(problem_);
    layout->addLayout(button_row);

    for (QComboBox* combo : {protocol_, pg_sslmode_})
        connect(combo, &QComboBox::currentIndexChanged, this,
                &ConnectionProfileDialog::update_security_fields);
    connect(kind_, &QComboBox::currentIndexChanged, this, &ConnectionProfileDialog::update_kind);
    connect(test_button_, &QPushButton::clicked, this, &ConnectionProfileDialog::testConnection);
    connect(save_button_, &QPushButton::clicked, this, &ConnectionProfileDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    setProfile(existing.value_or(ConnectionProfile{}));
    name_->setReadOnly(editing_existing_);  // a rename would orphan the keychain entries
    for (QLabel* label : {kafka_result_, postgres_result_, remote_result_}) {
        label->setText(tr("not tested"));
        theme::set_tone(label, theme::Tone::Neutral);
    }
    resize(860, sizeHint().height());
}

ConnectionProfileDialog::~ConnectionProfileDialog() {
    if (test_thread_.joinable())
        test_thread_.join();
}

void ConnectionProfileDialog::setProfile(const ConnectionProfile& p) {
    name_->setText(p.name);
    kind_->setCurrentIndex(kind_->findData(int(p.kind)));
    engine_url_->setText(p.engine_url);
    api_token_->setText(p.api_token);
    bootstrap_->setText(p.bootstrap_servers);
    topic_->setText(p.topic);
    group_->setText(p.group);
    protocol_->setCurrentText(p.security_protocol.toLower());
    mechanism_->setCurrentText(p.sasl_mechanism);
    sasl_user_->setText(p.sasl_username);
    kafka_password_->setText(p.kafka_password);
    kafka_ca_->setText(p.kafka_ssl_ca_location);
    kafka_cert_->setText(p.kafka_ssl_certificate_location);
    kafka_key_->setText(p.kafka_ssl_key_location);
    kafka_key_password_->setText(p.kafka_ssl_key_password);
    pg_host_->setText(p.pg_host);
    pg_port_->setValue(p.pg_port);
    pg_database_->setText(p.pg_database);
    pg_user_->setText(p.pg_user);
    pg_password_->setText(p.pg_password);
    pg_sslmode_->setCurrentText(p.pg_sslmode);
    pg_rootcert_->setText(p.pg_sslrootcert);
    pg_cert_->setText(p.pg_sslcert);
    pg_key_->setText(p.pg_sslkey);
    payload_format_->setCurrentIndex(std::max(0, payload_format_->findData(p.payload_format)));
    const QString stored = p.secret_storage == SecretStorage::AskEachTime
                               ? tr("asked for when connecting; type to test")
                               : tr("kept in the keychain; type to replace");
    kafka_password_->setPlaceholderText(p.kafka_has_password ? stored : QString());
    kafka_key_password_->setPlaceholderText(p.kafka_has_key_password ? stored : QString());
    pg_password_->setPlaceholderText(p.pg_has_password ? stored : QString());
    api_token_->setPlaceholderText(p.api_has_token ? stored : QString());
    update_security_fields();
    update_kind();
}

ConnectionProfile ConnectionProfileDialog::profile() const {
    ConnectionProfile p;
    p.name = name_->text().trimmed();
    p.kind = ProfileKind(kind_->currentData().toInt());
    if (p.is_remote()) {
        p.engine_url = engine_url_->text().trimmed();
        p.api_token = api_token_->text().trimmed();
        return p;
    }
    p.bootstrap_servers = bootstrap_->text().trimmed();
    p.topic = topic_->text().trimmed();
    p.group = group_->text().trimmed();
    p.security_protocol = protocol_->currentText();
    p.sasl_mechanism = mechanism_->currentText();
    p.sasl_username = sasl_user_->text().trimmed();
    p.kafka_password = p.uses_sasl() ? kafka_password_->text() : QString();
    if (p.uses_tls()) {  // hidden otherwise, and then not used
        p.kafka_ssl_ca_location = kafka_ca_->text().trimmed();
        p.kafka_ssl_certificate_location = kafka_cert_->text().trimmed();
        p.kafka_ssl_key_location = kafka_key_->text().trimmed();
        p.kafka_ssl_key_password = kafka_key_password_->text();
    }
    p.pg_host = pg_host_->text().trimmed();
    p.pg_port = pg_port_->value();
    p.pg_database = pg_database_->text().trimmed();
    p.pg_user = pg_user_->text().trimmed();
    p.pg_password = pg_password_->text();
    p.pg_sslmode = pg_sslmode_->currentText();
    if (p.pg_sslmode != QStringLiteral("disable")) {
        p.pg_sslrootcert = pg_rootcert_->text().trimmed();
        p.pg_sslcert = pg_cert_->text().trimmed();
        p.pg_sslkey = pg_key_->text().trimmed();
    }
    p.payload_format = payload_format_->currentData().toString();
    return p;
}

void ConnectionProfileDialog::update_security_fields() {
    const bool sasl = protocol_->currentText().startsWith(QStringLiteral("sasl"));
    mechanism_->setEnabled(sasl);
    sasl_user_->setEnabled(sasl);
    kafka_password_->setEnabled(sasl);
    const bool tls = is_tls_protocol(protocol_->currentText());
    for (QWidget* row : kafka_tls_rows_)
        kafka_form_->setRowVisible(row, tls);
    const bool pg_tls = pg_sslmode_->currentText() != QStringLiteral("disable");
    for (QWidget* row : pg_tls_rows_)
        pg_form_->setRowVisible(row, pg_tls);
}

void ConnectionProfileDialog::update_kind() {
    const bool remote = ProfileKind(kind_->currentData().toInt()) == ProfileKind::RemoteEngine;
    kafka_box_->setVisible(!remote);
    pg_box_->setVisible(!remote);
    remote_box_->setVisible(remote);
    results_->setRowVisible(kafka_result_, !remote);
    results_->setRowVisible(postgres_result_, !remote);
    results_->setRowVisible(remote_result_, remote);
}

void ConnectionProfileDialog::show_result(QLabel* label, const ConnectionCheck& check) {
    label->setText((check.ok ? QStringLiteral("✓ ") : QStringLiteral("✗ ")) + check.message);
    theme::set_tone(label, check.ok ? theme::Tone::Good : theme::Tone::Bad);
}

void ConnectionProfileDialog::testConnection() {
    if (testing_)
        return;
    if (test_thread_.joinable())
        test_thread_.join();
    testing_ = true;
    test_button_->setEnabled(false);
    if (const ConnectionProfile p = profile(); p.is_remote()) {
        test_remote_engine(p);
        return;
    }
    for (QLabel* label : {kafka_result_, postgres_result_}) {
        label->setText(tr("testing…"));
        theme::set_tone(label, theme::Tone::Neutral);
    }
    // Blocking calls with timeouts, on a thread of their own; the answer comes back queued. The
    // destructor joins, so `this` outlives the thread.
    test_thread_ = std::thread([this, profile = profile()] {
        const ConnectionCheck kafka = check_kafka(profile);
        QMetaObject::invokeMethod(
            this, [this, kafka] { show_result(kafka_result_, kafka); }, Qt::QueuedConnection);
        const ConnectionCheck postgres = check_postgres(profile);
        QMetaObject::invokeMethod(
            this,
            [this, kafka, postgres] {
                show_result(postgres_result_, postgres);
                testing_ = false;
                test_button_->setEnabled(true);
                emit tested(kafka, postgres);
            },
            Qt::QueuedConnection);
    });
}

void ConnectionProfileDialog::save() {
    ConnectionProfile p = profile();
    QString problem = p.problem();
    if (problem.isEmpty() && !editing_existing_ && store_.load(p.name))
        problem = tr("A profile named \"%1\" exists already.").arg(p.name);
    if (!problem.isEmpty()) {
        problem_->setText(problem);
        problem_->show();
        return;
    }
    problem_->hide();
    save_button_->setEnabled(false);
    QPointer<ConnectionProfileDialog> guard(this);
    save_profile(store_, secrets_, p, [guard](const ConnectionProfile& saved, const QString& note) {
        if (!guard)
            return;
        guard->save_button_->setEnabled(true);
        emit guard->saved(saved, note);
        guard->accept();
    });
}

void ConnectionProfileDialog::test_remote_engine(const ConnectionProfile& p) {
    remote_result_->setText(tr("testing…"));
    theme::set_tone(remote_result_, theme::Tone::Neutral);
    if (!network_)
        network_ = new QNetworkAccessManager(this);
    // An edited profile whose token field is left empty keeps its stored token, which the
    // dialog does not read: the test then shows whether the address answers at all.
    probe_remote_engine(*network_, QUrl(p.engine_url), p.api_token, this,
                        [this](const ConnectionCheck& check) {
                            show_result(remote_result_, check);
                            testing_ = false;
                            test_button_->setEnabled(true);
                            emit remoteTested(check);
                        });
}

}  // namespace spillway
