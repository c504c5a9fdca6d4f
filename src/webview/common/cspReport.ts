// Reports every Content-Security-Policy violation of a webview on its console, with a fixed
// prefix: the panels' CSP allows no inline style or script (issue 16), so a static style="..."
// or <style> slipped into a view would be dropped silently; the e2e specs fail on this line.
export const CSP_VIOLATION_PREFIX = 'xpersist webview CSP violation';

document.addEventListener('securitypolicyviolation', (e) => {
  console.error(
    `${CSP_VIOLATION_PREFIX}: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
  );
});
