import dev.burnrate.app.Wiring;
import dev.burnrate.cli.DemoData;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Dashboard first view on the demo data, in Debian's headless Chromium: for each page, the time from navigation start
 * to its first view (headline numbers and main chart drawn; on most pages the whole page) and to the page being
 * complete (every API call of the page answered and drawn), in a fresh page load each time.
 * Reference in the same run: the Policies page (one small API call, no chart), so the ratio says what the data costs.
 * Usage: bench/dashboard.sh [ROWS] (default 200,000 rows, as `burnrate demo`).
 */
public class DashboardBench {
    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
        Path dir = Files.createTempDirectory("dashbench");
        Files.writeString(dir.resolve("burnrate.yaml"), "{}\n");
        Wiring w = Wiring.open(dir.resolve("demo.duckdb"), dir.resolve("burnrate.yaml"), Clock.systemUTC());
        long t0 = System.nanoTime();
        DemoData.load(w, dir, rows, LocalDate.now(Clock.systemUTC()), new PrintWriter(System.out, true));
        System.out.printf("demo data loaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        String base = "http://127.0.0.1:" + w.api().start("127.0.0.1", 0);
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-data-dir=" + Files.createTempDirectory("dashbench-profile"), "--window-size=1366,900");
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort().build(), o);
        int n = 0;
        try {
            List<String> pages = List.of("policies", "overview", "oncall", "explorer", "models", "budgets", "anomalies", "approvals", "audit");
            for (String p : pages) load(driver, base, p, ++n); // warm-up: JIT, DuckDB caches, browser cache of scripts
            double ref = 0;
            for (String p : pages) {
                double[] ms = new double[7];
                double[] first = new double[7];
                for (int i = 0; i < ms.length; i++) {
                    ms[i] = load(driver, base, p, ++n);
                    first[i] = Double.parseDouble(driver.findElement(By.tagName("body")).getAttribute("data-first-view-at-ms"));
                }
                Arrays.sort(ms);
                Arrays.sort(first);
                if (p.equals("policies")) ref = ms[3];
                if (p.equals("overview") || p.equals("models")) {
                    System.out.println("  slowest API calls of " + p + ": " + driver.executeScript("return performance.getEntriesByType('resource')"
                            + ".filter(e => e.name.includes('/api/')).sort((a, b) => b.duration - a.duration).slice(0, 6)"
                            + ".map(e => e.name.replace(/^.*\\/api\\/v1\\//, '') + ' ' + Math.round(e.duration) + ' ms').join(', ')"));
                }
                System.out.printf("%-10s first view: median %4.0f ms, max %4.0f ms; complete: median %4.0f ms, max %4.0f ms (%.1f × the policies page)%n",
                        p, first[3], first[6], ms[3], ms[6], ms[3] / ref);
            }
        } finally {
            driver.quit();
            w.api().stop();
            w.close();
        }
    }

    static double load(ChromeDriver driver, String base, String page, int n) {
        driver.get(base + "/?n=" + n + "#/" + page);
        new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> page.equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        return Double.parseDouble(driver.findElement(By.tagName("body")).getAttribute("data-ready-at-ms"));
    }
}
