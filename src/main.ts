import { mount } from 'svelte';
import App from './app/App.svelte';
import { nextTurn, FIRST_SCREEN } from './views/turns';

// Where the page's own work starts (bench/cold-load.ts): tasks that end before it are the browser's.
performance.mark('klpscope:start');
const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
// The page's code is evaluated in the task that loads it (with the browser's first layout of the
// document); building the header in that task too made it one of 120–180 ms (issue 10).
void nextTurn(FIRST_SCREEN).then(() => mount(App, { target }));
