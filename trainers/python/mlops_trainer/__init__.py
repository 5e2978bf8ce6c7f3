"""temporal-mlops Python training worker: external trainers (scikit-learn, XGBoost, LightGBM, user code)
served on the training task queue, with the same JSON contract as the built-in TypeScript activities."""
