// The monitoring site's one script: draws the charts of a page from its JSON (Apache ECharts, SVG so they
// stay sharp on a phone) and, on a page marked for it, reloads the page's main part every 30 s.
(() => {
  const palette = ['#0b57d0', '#b3261e', '#146c2e', '#7c4dff', '#b45f06', '#00677f', '#8e24aa', '#5f6368', '#c2185b'];

  function optionOf(spec) {
    const horizontal = spec.kind === 'hbar';
    const names = { type: 'category', data: spec.categories, axisLabel: { width: 140, overflow: 'truncate' } };
    const values = { type: 'value', axisLabel: { formatter: spec.unit ? `{value}${spec.unit}` : '{value}' } };
    if (spec.unit === '%') values.max = 100;
    else values.minInterval = 1; // counts: no 0.5 of a request on the axis
    return {
      color: palette,
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? values : names,
      yAxis: horizontal ? { ...names, inverse: true } : values,
      series: spec.series.map((s) => ({
        name: s.name,
        type: 'bar',
        stack: spec.stacked ? 'all' : undefined,
        data: s.data,
        label: { show: !spec.stacked && spec.categories.length <= 12, position: horizontal ? 'right' : 'top' },
      })),
    };
  }

  function draw() {
    const data = document.getElementById('chart-data');
    if (!data || !window.echarts) return;
    const specs = JSON.parse(data.textContent);
    for (const spec of specs) {
      const element = document.getElementById(spec.id);
      if (!element) continue;
      window.echarts.getInstanceByDom(element)?.dispose();
      const chart = window.echarts.init(element, null, { renderer: 'svg' });
      chart.setOption(optionOf(spec));
    }
  }

  window.addEventListener('resize', () => {
    for (const element of document.querySelectorAll('[data-chart]')) window.echarts?.getInstanceByDom(element)?.resize();
  });

  async function refresh() {
    try {
      const response = await fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const fresh = page.getElementById('main');
      const main = document.getElementById('main');
      // Not while someone is choosing a filter: their choice would be lost.
      if (!fresh || !main || main.contains(document.activeElement) && document.activeElement !== main) return;
      for (const element of document.querySelectorAll('[data-chart]')) window.echarts?.getInstanceByDom(element)?.dispose();
      main.innerHTML = fresh.innerHTML;
      draw();
    } catch {
      // Offline for a moment: the next poll tries again.
    }
  }

  draw();
  if (document.querySelector('[data-chart]') && location.pathname === '/web/overview') setInterval(refresh, 30_000);
})();
