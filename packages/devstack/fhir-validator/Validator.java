import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * HL7's R4 instance validation as HAPI FHIR implements it, behind a tiny HTTP server, so tests
 * in any language pay HAPI's start-up (several seconds) once per run instead of per call.
 *
 *   java -cp 'libs/*:classes' Validator [port]      (port 0 or none: the OS picks one)
 *   POST /validate  body: one resource as JSON (or XML)  → 200 [{"severity","message","location"}]
 *   GET  /health → 200 once warmed up
 *
 * Prints "fhir-validator listening on <port>" on stdout once the first validation has run (it
 * loads every StructureDefinition), so readiness means a call is fast. Works offline: no
 * terminology server, only the code systems HAPI ships (FHIR's own, UCUM, languages, ...).
 */
public final class Validator {
  public static void main(String[] args) throws IOException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    FhirContext ctx = FhirContext.forR4();
    ValidationSupportChain support = new ValidationSupportChain(
        new DefaultProfileValidationSupport(ctx),
        new InMemoryTerminologyServerValidationSupport(ctx),
        new CommonCodeSystemsTerminologyService(ctx),
        new SnapshotGeneratingValidationSupport(ctx));
    FhirValidator validator = ctx.newValidator();
    validator.registerValidatorModule(new FhirInstanceValidator(support));
    // Warm-up: the first call loads and indexes the core definitions and the first coded value
    // its value sets (most of the start-up time), so a test's first call is as fast as the rest.
    validator.validateWithResult("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":"
        + "{\"resourceType\":\"Patient\",\"id\":\"warm-up\",\"gender\":\"other\",\"birthDate\":\"2000-01-01\"}}]}");

    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/health", exchange -> reply(exchange, 200, "{\"status\":\"ok\"}"));
    server.createContext("/validate", exchange -> {
      try {
        if (!"POST".equals(exchange.getRequestMethod())) {
          reply(exchange, 405, "{\"error\":\"POST a resource\"}");
          return;
        }
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        reply(exchange, 200, issuesJson(validator.validateWithResult(body)));
      } catch (RuntimeException e) {
        // Text HAPI cannot even parse (not JSON, no resourceType) throws instead of reporting:
        // that is a finding about the input, so it comes back as one fatal issue.
        reply(exchange, 200, "[{\"severity\":\"fatal\",\"message\":" + quote("HAPI could not read the input: " + e)
            + ",\"location\":null,\"messageId\":null}]");
      }
    });
    // FhirValidator is thread-safe; two threads match the machines this runs on.
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    System.out.println("fhir-validator listening on " + server.getAddress().getPort());
    System.out.flush();
  }

  private static String issuesJson(ValidationResult result) {
    StringBuilder out = new StringBuilder("[");
    for (SingleValidationMessage m : result.getMessages()) {
      if (out.length() > 1) out.append(',');
      out.append("{\"severity\":").append(quote(m.getSeverity().getCode()))
          .append(",\"message\":").append(quote(m.getMessage()))
          .append(",\"location\":").append(quote(m.getLocationString()))
          .append(",\"messageId\":").append(quote(m.getMessageId()))
          .append('}');
    }
    return out.append(']').toString();
  }

  /** A JSON string literal (or null): only the JDK here, no JSON library of our own to pin. */
  private static String quote(String s) {
    if (s == null) return "null";
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"').toString();
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
