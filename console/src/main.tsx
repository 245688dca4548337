import { render } from 'preact';
import { App } from './app';
import { liveFeed } from './live/live-feed';
import './styles.css';

liveFeed.start();
render(<App />, document.getElementById('app')!);
