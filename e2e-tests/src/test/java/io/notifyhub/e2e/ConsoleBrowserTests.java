package io.notifyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.e2e.support.LocalSystem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The ops console in Debian's Chromium (headless, through its chromedriver) against the whole system as processes:
 * sign in, compose, watch a job reach {@code sent}, read its history, fail one and send it again from the dead
 * letters, cancel a scheduled one, keep another client out, and show HTML from a job as text. Every page is saved
 * as a screenshot in {@code target/console-screenshots/} (or where {@code notifyhub.console.screenshots} says:
 * {@code ../docs/console} refreshes those of docs/console.md). Skipped where Chromium or chromedriver is missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTests {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String SHOP_KEY = "nhk_shopclient_for-tests-only-000000000";
    private static final String RIVAL_KEY = "nhk_rivalclient_for-tests-only-00000000";
    private static final String PAGER_KEY = "nhk_pagerclient_for-tests-only-00000000";
    /** Recipients the simulated provider refuses for good, so their jobs land in the dead letters. */
    private static final String REFUSED = "bounce-.*@example\\.com";

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static LocalSystem system;
    private static ChromeDriver browser;
    private static Path screenshots;
    private static com.sun.net.httpserver.HttpServer hook;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "ConsoleBrowserTests skipped: needs Debian's chromium and chromium-driver (/usr/bin/chromium, "
                        + "/usr/bin/chromedriver); apt-get install -y chromium chromium-driver");
        system = new LocalSystem(Map.of(
                        "NOTIFYHUB_API_BOOTSTRAP_KEYS",
                        "e2e:" + LocalSystem.API_KEY + ":admin,shop:" + SHOP_KEY + ",rival:" + RIVAL_KEY + ",pager:"
                                + PAGER_KEY,
                        "NOTIFYHUB_PROVIDERS_SIMULATED_FAIL_RECIPIENTS",
                        REFUSED,
                        // the charts get a sample a second, the workers view a heartbeat a second
                        "NOTIFYHUB_API_SERIES_EVERY",
                        "1s",
                        "NOTIFYHUB_WORKER_HEARTBEAT_EVERY",
                        "1s",
                        // the status webhook goes to a hook on 127.0.0.1, this test's own
                        "NOTIFYHUB_WEBHOOKS_ALLOW_PRIVATE_TARGETS",
                        "true"))
                .start(1);
        hook = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hook.start();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--user-data-dir=" + Files.createTempDirectory("console-chromium"));
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(driver, options);
        browser.manage().window().setSize(new Dimension(1280, 900));
        // the pictures of docs/console.md are refreshed on purpose
        // (-Dnotifyhub.console.screenshots=../docs/console), not by every test run
        screenshots = Path.of(System.getProperty("notifyhub.console.screenshots", "target/console-screenshots"));
        Files.createDirectories(screenshots);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (system != null) {
            system.close();
        }
        if (hook != null) {
            hook.stop(0);
        }
    }

    @Test
    @Order(1)
    void shouldSignInComposeAnEmailAndShowItSentWithItsHistory() throws IOException {
        open("/console/");
        browser.executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        visible(By.id("api-key")).sendKeys("nhk_nobody_no-such-key-000000000000");
        browser.findElement(By.cssSelector("#sign-in-form button")).click();
        textOf(By.id("sign-in-error"), "unknown or revoked");
        screenshot("sign-in");

        signIn(SHOP_KEY, "shop");
        open("/console/#/compose");
        type("c-recipient", "not-an-address");
        browser.findElement(By.cssSelector("#compose-form button[type=submit]")).click();
        // the API's field errors, shown next to the fields they name
        assertThat(textOf(By.cssSelector("fieldset[data-type=email] [data-field='payload.recipient']"), ""))
                .isNotBlank();
        assertThat(textOf(By.cssSelector("fieldset[data-type=email] [data-field='payload.subject']"), ""))
                .isNotBlank();
        screenshot("compose-errors");

        type("c-recipient", "ada@example.com");
        type("c-subject", "Your order has shipped");
        type("c-email-body", "It is on its way.");
        browser.findElement(By.cssSelector("#compose-form button[type=submit]")).click();
        String id = visible(By.id("compose-created")).getText();
        assertThat(browser.findElements(By.cssSelector("#compose-form .field-error")))
                .allSatisfy(error -> assertThat(error.getText()).isEmpty());
        screenshot("compose");

        open("/console/#/jobs");
        // the table refreshes itself: no reload, the row turns sent
        waitUntil(By.cssSelector("#jobs-table tr[data-id='" + id + "'][data-status='sent']"));
        assertThat(textOf(By.cssSelector("#jobs-table tr[data-id='" + id + "']"), ""))
                .contains("ad***@example.com")
                .doesNotContain("ada@example.com");
        screenshot("jobs");

        click(By.cssSelector("#jobs-table tr[data-id='" + id + "'] a.job-link"));
        textOf(By.cssSelector("#job-fields dd[data-field=status]"), "sent");
        List<WebElement> attempts = browser.findElements(By.cssSelector("#job-history tbody tr"));
        assertThat(attempts).hasSize(1);
        assertThat(attempts.getFirst().getText())
                .contains("e2e-worker-1", "simulated", "sent")
                .containsPattern("\\d+ ms");
        assertThat(textOf(By.cssSelector("#job-payload dd[data-field=recipient]"), ""))
                .isEqualTo("ad***@example.com");
        assertThat(textOf(By.cssSelector("#job-payload dd[data-field=subject]"), ""))
                .isEqualTo("Your order has shipped");
        screenshot("job");
    }

    @Test
    @Order(2)
    void shouldFailAJobIntoTheDeadLettersAndSendItAgainWithRetry() throws Exception {
        assumeTrue(
                deadLettersServed(),
                "the dead-letter endpoints (GET /api/dead-letters, POST /api/jobs/{id}/retry) "
                        + "are not in this build of the API yet");
        signIn(SHOP_KEY, "shop");
        String id = composeEmail("bounce-1@example.com", "Receipt", "Thanks");
        open("/console/#/jobs/" + id);
        textOf(By.cssSelector("#job-fields dd[data-field=status]"), "failed");
        assertThat(textOf(By.cssSelector("#job-fields dd[data-field=error]"), ""))
                .contains("recipient refused");

        open("/console/#/dead-letters");
        String row = "#dead-table tr[data-id='" + id + "']";
        assertThat(textOf(By.cssSelector(row), "")).contains("bo***@example.com", "recipient refused");
        assertThat(browser.findElement(By.id("replay")).isDisplayed())
                .as("replay is for admins")
                .isFalse();
        screenshot("dead-letters");
        click(By.cssSelector(row + " button.retry"));
        textOf(By.id("dead-result"), "queued again");

        // the provider still refuses it: it fails again, and the history shows both attempts
        open("/console/#/jobs/" + id);
        waiting().until(d -> failedAttempts() == 2);
    }

    @Test
    @Order(3)
    void shouldLetAnAdminReplayTheDeadLettersMatchingAFilter() throws Exception {
        assumeTrue(
                deadLettersServed(),
                "the dead-letter endpoints (GET /api/dead-letters, POST "
                        + "/api/dead-letters/replay) are not in this build of the API yet");
        signIn(SHOP_KEY, "shop");
        String replayed = composeEmail("bounce-2@example.com", "Invoice", "Attached");
        String other = composeEmail("bounce-3@example.com", "Invoice", "Attached");
        for (String id : List.of(replayed, other)) {
            open("/console/#/jobs/" + id);
            textOf(By.cssSelector("#job-fields dd[data-field=status]"), "failed");
        }

        signIn(LocalSystem.API_KEY, "e2e");
        open("/console/#/dead-letters");
        type(By.cssSelector("#dead-filter input[name=recipient]"), "bounce-2@example.com");
        browser.findElement(By.cssSelector("#dead-filter button[type=submit]")).click();
        waiting()
                .until(d ->
                        d.findElements(By.cssSelector("#dead-table tbody tr")).size() == 1);
        click(By.id("replay"));
        textOf(By.id("dead-result"), "Replayed 1 job(s).");
        screenshot("dead-letters-replayed");

        open("/console/#/jobs/" + replayed);
        waiting().until(d -> failedAttempts() == 2);
        open("/console/#/jobs/" + other);
        textOf(By.cssSelector("#job-fields dd[data-field=status]"), "failed");
        assertThat(failedAttempts())
                .as("not matched by the filter, not replayed")
                .isEqualTo(1);
    }

    @Test
    @Order(4)
    void shouldCancelAScheduledJob() throws IOException {
        signIn(SHOP_KEY, "shop");
        open("/console/#/compose");
        type("c-recipient", "later@example.com");
        type("c-subject", "Reminder");
        type("c-email-body", "Tomorrow");
        // a week ahead (the API takes up to 30 days), in the browser's time zone, which is this JVM's
        LocalDateTime later = LocalDateTime.now().plusDays(7).withNano(0);
        browser.executeScript(
                "document.getElementById('c-scheduled').value = arguments[0]",
                later.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")));
        browser.findElement(By.cssSelector("#compose-form button[type=submit]")).click();
        textOf(By.id("compose-result"), "(scheduled)");
        visible(By.id("compose-created")).click();
        textOf(By.cssSelector("#job-fields dd[data-field=status]"), "scheduled");
        assertThat(textOf(By.cssSelector("#job-fields dd[data-field='scheduled for']"), ""))
                .startsWith(later.atZone(ZoneId.systemDefault())
                        .withZoneSameInstant(ZoneOffset.UTC)
                        .toLocalDate()
                        .toString());

        visible(By.id("job-cancel")).click();

        textOf(By.cssSelector("#job-fields dd[data-field=status]"), "cancelled");
        assertThat(browser.findElements(By.id("job-cancel"))).isEmpty();
    }

    @Test
    @Order(5)
    void shouldNotShowOneClientsJobToAnother() throws Exception {
        String shops = JsonPath.read(post(SHOP_KEY, """
                {"type":"sms","payload":{"phone":"+14155550123","message":"Your code is 123456"}}""").body(), "$._id");

        signIn(RIVAL_KEY, "rival");
        open("/console/#/jobs/" + shops);
        textOf(By.id("job-error"), "No such job");
        assertThat(browser.findElement(By.id("job-body")).isDisplayed()).isFalse();
        assertThat(browser.getPageSource()).doesNotContain("123456");
        open("/console/#/jobs");
        textOf(By.id("jobs-count"), "on this page");
        assertThat(browser.findElements(By.cssSelector("#jobs-table tr[data-id='" + shops + "']")))
                .isEmpty();
        screenshot("other-client");
    }

    @Test
    @Order(6)
    void shouldPageThroughTheJobsTableAndFilterIt() throws Exception {
        for (int i = 0; i < 23; i++) {
            post(PAGER_KEY, """
                    {"type":"push","payload":{"token":"device-%d","title":"t","body":"b"}}""".formatted(i));
        }
        signIn(PAGER_KEY, "pager");
        open("/console/#/jobs");
        new Select(visible(By.cssSelector("#jobs-filter select[name=limit]"))).selectByVisibleText("20");
        click(By.cssSelector("#jobs-filter button[type=submit]"));
        textOf(By.id("jobs-count"), "20 on this page");
        assertThat(browser.findElement(By.id("jobs-first")).isEnabled()).isFalse();

        click(By.id("jobs-next"));

        textOf(By.id("jobs-count"), "3 on this page");
        assertThat(browser.findElement(By.id("jobs-next")).isEnabled()).isFalse();
        click(By.id("jobs-first"));
        textOf(By.id("jobs-count"), "20 on this page");

        type(By.cssSelector("#jobs-filter input[name=recipient]"), "device-7");
        click(By.cssSelector("#jobs-filter button[type=submit]"));
        textOf(By.id("jobs-count"), "1 on this page");
    }

    @Test
    @Order(7)
    void shouldShowHtmlFromAJobAsText() throws IOException {
        signIn(SHOP_KEY, "shop");
        String subject = "<script>alert(1)</script>";
        String body = "<img src=x onerror=\"document.title='pwned'\"><b>bold?</b>";
        String id = composeEmail("ada@example.com", subject, body);

        open("/console/#/jobs/" + id);
        assertThat(textOf(By.cssSelector("#job-payload dd[data-field=subject]"), subject))
                .isEqualTo(subject);
        assertThat(textOf(By.cssSelector("#job-payload dd[data-field=body]"), ""))
                .isEqualTo(body);
        assertThat(browser.findElements(By.cssSelector("#job-payload script, #job-payload img, #job-payload b")))
                .isEmpty();
        assertThat(browser.getTitle()).isEqualTo("notifyhub console");
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        screenshot("escaped");
    }

    @Test
    @Order(8)
    void shouldShowAnAdminCountsThroughputAndQueueDepthsRefreshingByThemselves() throws Exception {
        signIn(LocalSystem.API_KEY, "e2e");
        open("/console/#/overview");
        WebElement sent = waitUntil(By.cssSelector("#by-status tr[data-name=sent] td"));
        assertThat(Integer.parseInt(sent.getText())).isPositive();
        waitUntil(By.cssSelector("#queues tr[data-name='notifyhub.work.email']"));
        waitUntil(By.cssSelector("#queues tr[data-name='notifyhub.dead-letter']"));
        String first = textOf(By.id("overview-updated"), "as of");
        int before = Integer.parseInt(textOf(By.cssSelector("#by-type tr[data-name=sms] td"), ""));

        post(LocalSystem.API_KEY, """
                {"type":"sms","payload":{"phone":"+14155550199","message":"counted"}}""");

        // no reload: the page asks again by itself and the new job shows
        waiting()
                .until(d -> Integer.parseInt(d.findElement(By.cssSelector("#by-type tr[data-name=sms] td"))
                                .getText())
                        == before + 1);
        assertThat(textOf(By.id("overview-updated"), "as of")).isNotEqualTo(first);
        screenshot("overview");
    }

    @Test
    @Order(9)
    void shouldChartSentFailedAndBacklogFromTheSeriesWithUPlotServedByTheApi() throws Exception {
        HttpResponse<String> library = get(null, "/webjars/uplot/dist/uPlot.iife.min.js");
        assertThat(library.statusCode()).isEqualTo(200);
        assertThat(library.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).contains("javascript"));
        for (int i = 0; i < 3; i++) {
            post(LocalSystem.API_KEY, """
                    {"type":"email","payload":{"recipient":"chart-%d@example.com","subject":"s","body":"b"}}""".formatted(i));
        }
        post(LocalSystem.API_KEY, """
                {"type":"email","payload":{"recipient":"bounce-chart@example.com","subject":"s","body":"b"}}""");

        signIn(LocalSystem.API_KEY, "e2e");
        open("/console/#/overview");
        // two uPlot charts, drawn on canvases, with the samples the API took (a sample a second here)
        waiting()
                .until(d -> d.findElements(By.cssSelector("#chart-finished .uplot canvas"))
                                        .size()
                                == 1
                        && d.findElements(By.cssSelector("#chart-backlog .uplot canvas"))
                                        .size()
                                == 1);
        waiting()
                .until(d -> Integer.parseInt(d.findElement(By.id("charts-card")).getAttribute("data-samples")) >= 10);
        assertThat(textOf(By.id("charts-note"), "one every 1 s")).contains("samples");
        // the series the chart drew holds the jobs sent just now, and the one refused for good
        String series = get(LocalSystem.API_KEY, "/api/stats/series").body();
        waiting().until(d -> {
            try {
                String now = get(LocalSystem.API_KEY, "/api/stats/series").body();
                return JsonPath.<List<Integer>>read(now, "$.samples[*].sent").stream()
                                        .mapToInt(Integer::intValue)
                                        .sum()
                                >= 3
                        && JsonPath.<List<Integer>>read(now, "$.samples[*].failed").stream()
                                        .mapToInt(Integer::intValue)
                                        .sum()
                                >= 1;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(JsonPath.<Integer>read(series, "$.capacity")).isPositive();
        // a client key sees no chart (the series is every client's traffic)
        signIn(SHOP_KEY, "shop");
        open("/console/#/overview");
        textOf(By.id("overview-updated"), "as of");
        assertThat(browser.findElement(By.id("charts-card")).isDisplayed()).isFalse();
        assertThat(get(SHOP_KEY, "/api/stats/series").statusCode()).isEqualTo(403);

        signIn(LocalSystem.API_KEY, "e2e");
        open("/console/#/overview");
        waiting()
                .until(d -> d.findElements(By.cssSelector("#chart-finished .uplot canvas"))
                                .size()
                        == 1);
        Thread.sleep(1500);
        screenshot("overview-charts");
    }

    @Test
    @Order(10)
    void shouldShowTheWorkersWithInFlightLastSeenAndBreakerStates() throws Exception {
        signIn(LocalSystem.API_KEY, "e2e");
        open("/console/#/workers");
        WebElement row = waitUntil(By.cssSelector("#workers-table tbody tr[data-state=up]"));
        String id = row.getAttribute("data-id");
        assertThat(id).isNotBlank();
        // the worker's own breakers, one per provider of its chains (the simulated provider here)
        waitUntil(By.cssSelector("#workers-table tbody tr[data-id='" + id + "'] .breaker[data-breaker=simulated]"));
        assertThat(textOf(By.cssSelector("#workers-table tbody tr[data-id='" + id + "'] .breaker"), "CLOSED"))
                .contains("simulated");
        // last seen keeps up: the heartbeat is a second old at most, give or take a refresh
        assertThat(textOf(By.cssSelector("#workers-table tbody tr td:nth-child(5)"), "s ago"))
                .matches("[0-9] s ago");
        assertThat(textOf(By.cssSelector("#workers-table tbody tr td:nth-child(4)"), "/"))
                .matches("\\d+ / \\d+");
        screenshot("workers");

        // the nav shows the admin pages to admins only, and the API refuses a client key
        signIn(SHOP_KEY, "shop");
        assertThat(browser.findElement(By.cssSelector("#nav a[data-page=workers]"))
                        .isDisplayed())
                .isFalse();
        assertThat(get(SHOP_KEY, "/api/admin/workers").statusCode()).isEqualTo(403);
    }

    @Test
    @Order(11)
    void shouldCreateAKeyShowItOnceAndRevokeIt() throws Exception {
        signIn(LocalSystem.API_KEY, "e2e");
        open("/console/#/keys");
        type("key-client", "bad client id!");
        click(By.cssSelector("#key-form button[type=submit]"));
        assertThat(textOf(By.id("keys-error"), "clientId")).contains("letters, digits");

        type("key-client", "newshop");
        click(By.cssSelector("#key-form button[type=submit]"));
        String key = visible(By.id("key-created-key")).getText();
        assertThat(key).startsWith("nhk_");
        assertThat(visible(By.id("key-created-secret")).getText()).isNotBlank();
        assertThat(get(key, "/api/stats").statusCode()).isEqualTo(200);
        WebElement row = waitUntil(By.cssSelector("#keys-table tbody tr[data-client=newshop]"));
        String keyId = row.getAttribute("data-id");
        screenshot("keys");

        click(By.cssSelector("#keys-table tbody tr[data-id='" + keyId + "'] button.revoke"));
        browser.switchTo().alert().accept();
        textOf(By.cssSelector("#keys-table tbody tr[data-id='" + keyId + "'] td:nth-child(5)"), "Z");
        // refused by the API once its cache of keys has passed (notifyhub.api.auth.cache-for)
        waiting().until(d -> {
            try {
                return get(key, "/api/stats").statusCode() == 401;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    @Order(12)
    void shouldEditAClientsDefaultWebhookAndSendersWithFieldErrorsFromTheApi() throws Exception {
        signIn(LocalSystem.API_KEY, "e2e");
        open("/console/#/clients");
        type("client-id", "shop");
        click(By.cssSelector("#client-find button[type=submit]"));
        textOf(By.cssSelector("#client-fields dd[data-field=client]"), "shop");

        type("cl-callback", "ftp://nowhere");
        click(By.cssSelector("#client-form button[type=submit]"));
        assertThat(textOf(By.cssSelector("#client-form [data-field=callbackUrl]"), ""))
                .isNotBlank();

        String url = "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook";
        type("cl-callback", url);
        type("cl-senders", "orders@shop.example.com\nnews@shop.example.com");
        click(By.cssSelector("#client-form button[type=submit]"));
        textOf(By.id("client-result"), "Saved");
        assertThat(textOf(By.cssSelector("#client-fields dd[data-field='default webhook']"), url))
                .isEqualTo(url);
        String settings = get(LocalSystem.API_KEY, "/api/admin/clients/shop").body();
        assertThat(JsonPath.<String>read(settings, "$.callbackUrl")).isEqualTo(url);
        assertThat(JsonPath.<List<String>>read(settings, "$.senders"))
                .containsExactly("orders@shop.example.com", "news@shop.example.com");
        screenshot("clients");

        // a new signing secret, shown once; the settings then say one is set
        click(By.id("client-rotate"));
        browser.switchTo().alert().accept();
        assertThat(visible(By.id("client-secret")).getText()).isNotBlank();
        assertThat(JsonPath.<Boolean>read(
                        get(LocalSystem.API_KEY, "/api/admin/clients/shop").body(), "$.webhookSecretSet"))
                .isTrue();
    }

    @Test
    @Order(13)
    void shouldShowTheStatusWebhookDeliveredOnTheJobPage() throws Exception {
        signIn(SHOP_KEY, "shop");
        open("/console/#/compose");
        String url = "http://127.0.0.1:" + hook.getAddress().getPort() + "/hook?job=console";
        type("c-recipient", "webhook@example.com");
        type("c-subject", "With a status webhook");
        type("c-email-body", "Watch the webhook.");
        type("c-callback", url);
        browser.findElement(By.cssSelector("#compose-form button[type=submit]")).click();
        String id = visible(By.id("compose-created")).getText();
        // the job page stops refreshing once the job is final: open it when the webhook has gone out
        waiting().until(d -> {
            try {
                return "delivered"
                        .equals(JsonPath.read(
                                get(SHOP_KEY, "/api/jobs/" + id + "/webhook").body(), "$.state"));
            } catch (Exception e) {
                return false;
            }
        });
        open("/console/#/jobs/" + id);
        textOf(By.cssSelector("#job-webhook dd[data-field=state]"), "delivered");
        assertThat(textOf(By.cssSelector("#job-webhook dd[data-field=url]"), "127.0.0.1"))
                .isEqualTo(url);
        assertThat(textOf(By.cssSelector("#job-webhook dd[data-field=delivered]"), "Z"))
                .isNotBlank();
        assertThat(textOf(By.cssSelector("#job-webhook dd[data-field='POSTs tried']"), ""))
                .isEqualTo("1");
        screenshot("job-webhook");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static void signIn(String key, String client) {
        open("/console/");
        browser.executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        visible(By.id("api-key")).sendKeys(key);
        browser.findElement(By.cssSelector("#sign-in-form button")).click();
        textOf(By.id("who-client"), client);
    }

    private static String composeEmail(String recipient, String subject, String body) {
        open("/console/#/compose");
        type("c-recipient", recipient);
        type("c-subject", subject);
        type("c-email-body", body);
        browser.findElement(By.cssSelector("#compose-form button[type=submit]")).click();
        String id = visible(By.id("compose-created")).getText();
        browser.executeScript("document.getElementById('compose-result').textContent = ''");
        return id;
    }

    /** The attempts of the job on show that failed, read in one go (the table may be re-rendered at any time). */
    private static long failedAttempts() {
        return (Long) browser.executeScript("return [...document.querySelectorAll('#job-history tbody tr')]"
                + ".filter(row => row.cells[6].textContent === 'failed').length");
    }

    private static void open(String path) {
        browser.get("http://127.0.0.1:" + system.apiPort() + path);
    }

    private static void type(String id, String text) {
        type(By.id(id), text);
    }

    private static void type(By input, String text) {
        WebElement element = visible(input);
        element.clear();
        element.sendKeys(text);
    }

    /** A wait that looks again when the page re-rendered what it held (the console refreshes every few seconds). */
    private static WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** Clicks, looking the element up again if the page re-rendered it in between. */
    private static void click(By locator) {
        waiting().until(d -> {
            d.findElement(locator).click();
            return true;
        });
    }

    private static WebElement visible(By locator) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    private static WebElement waitUntil(By locator) {
        return waiting().until(ExpectedConditions.presenceOfElementLocated(locator));
    }

    /** Waits until the element's text contains {@code part} (any text, when empty), and answers the text. */
    private static String textOf(By locator, String part) {
        return waiting().until(d -> {
            List<WebElement> found = d.findElements(locator);
            String text = found.isEmpty() ? "" : found.getFirst().getText();
            return text.contains(part) && !text.isEmpty() ? text : null;
        });
    }

    private static void screenshot(String name) throws IOException {
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        Files.write(screenshots.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private static boolean deadLettersServed() throws Exception {
        return get(LocalSystem.API_KEY, "/api/dead-letters?limit=1").statusCode() == 200;
    }

    private static HttpResponse<String> post(String key, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(api("/api/jobs"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + key)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response;
    }

    private static HttpResponse<String> get(String key, String path) throws IOException, InterruptedException {
        return HTTP.send(
                (key == null
                                ? HttpRequest.newBuilder(api(path))
                                : HttpRequest.newBuilder(api(path)).header("Authorization", "Bearer " + key))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI api(String path) {
        return URI.create("http://127.0.0.1:" + system.apiPort() + path);
    }
}
